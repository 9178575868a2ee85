//! Domain types and rules of Netreach. No IO and no async: everything here is a plain value or a
//! plain function, tested with plain unit tests. Time comes in through the [`Clock`] trait.

pub mod alert;
pub mod audit;
pub mod availability;
pub mod clock;
pub mod combination;
pub mod conversation;
pub mod editorial;
pub mod follow_up;
pub mod ids;
pub mod lang;
pub mod notification;
pub mod password;
pub mod publishing;
pub mod qa;
pub mod response_report;
pub mod role;
pub mod throttle;
pub mod transition;
pub mod username;
pub mod watch;

pub use alert::{AlertStatus, Severity};
pub use audit::AuditAction;
pub use clock::{Clock, FixedClock, SystemClock};
pub use conversation::{Author, MessageError, MessageText, RetentionPolicy, Status, Topic};
pub use editorial::{ContentPath, ContentState};
pub use ids::{
    AlertId, AlertReportId, AttachmentId, CannedId, ConversationId, MessageId, PostId,
    PublicationId, QaId, TokenId, UserId, VenueId, WatchMatchId, WatchSourceId,
};
pub use lang::Lang;
pub use password::{NewPassword, PasswordError};
pub use publishing::{Permission, PublicationStatus, VenueKind};
pub use qa::QaStatus;
pub use role::Role;
pub use transition::Refused;
pub use username::{Username, UsernameError};
