//! Notifying on-call staff of an urgent conversation. The console shows urgent conversations
//! first with a badge; a notification never carries content or anything about the client.

use crate::state::AppState;
use netreach_store::Conversation;

/// Records that an urgent conversation arrived (for the console badge and the log).
pub fn urgent(_state: &AppState, conversation: &Conversation) {
    tracing::warn!(conversation_id = %conversation.id, "urgent conversation waiting");
}
