//! What the audit log records: staff actions, by kind. An entry holds the actor, the time, the
//! kind and a target id, never content and never anything about a client.

use crate::transition::text_enum;

text_enum! {
    /// A kind of recorded staff action.
    AuditAction {
        SignIn => "sign_in",
        SignInFailed => "sign_in_failed",
        SignOutEverywhere => "sign_out_everywhere",
        PasswordChanged => "password_changed",
        ConversationOpened => "conversation_opened",
        ConversationClaimed => "conversation_claimed",
        ConversationAssigned => "conversation_assigned",
        ConversationStatus => "conversation_status",
        ConversationFollowUp => "conversation_follow_up",
        NoteAdded => "note_added",
        PostApproved => "post_approved",
        PostPublished => "post_published",
        AlertVerified => "alert_verified",
        AlertPublished => "alert_published",
        AlertWithdrawn => "alert_withdrawn",
        QaPublished => "qa_published",
        QaWithdrawn => "qa_withdrawn",
        ContentPublished => "content_published",
        Exported => "exported",
        BackupWritten => "backup_written",
        UserCreated => "user_created",
        RoleChanged => "role_changed",
        UserDisabled => "user_disabled",
        UserEnabled => "user_enabled",
        PasswordReset => "password_reset",
        InboxAccessGranted => "inbox_access_granted",
        SettingsChanged => "settings_changed",
        SessionsRevoked => "sessions_revoked",
        TwoFactorEnabled => "two_factor_enabled",
        TwoFactorDisabled => "two_factor_disabled",
        TwoFactorReset => "two_factor_reset",
        PanicLock => "panic_lock",
        RecoveryKeyConfirmed => "recovery_key_confirmed",
    }
}
