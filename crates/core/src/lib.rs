//! Domain types and rules of Netreach. No IO and no async: everything here is a plain value or a
//! plain function, tested with plain unit tests. Time comes in through the [`Clock`] trait.

pub mod availability;
pub mod clock;
pub mod combination;
pub mod conversation;
pub mod ids;
pub mod lang;
pub mod password;
pub mod role;
pub mod throttle;
pub mod username;

pub use clock::{Clock, FixedClock, SystemClock};
pub use conversation::{Author, MessageError, MessageText, RetentionPolicy, Status, Topic};
pub use ids::{CannedId, ConversationId, MessageId, TokenId, UserId};
pub use lang::Lang;
pub use password::{NewPassword, PasswordError};
pub use role::Role;
pub use username::{Username, UsernameError};
