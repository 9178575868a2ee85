//! Saved inbox views: a member's own named filters, at most [`VIEWS_MAX`] each.

use crate::conversations::ConversationError;
use crate::policy::{Action, Staff};
use crate::state::AppState;

/// Most saved inbox views per person.
pub const VIEWS_MAX: usize = 20;
/// The longest view name, in characters, and the longest query string kept.
const VIEW_NAME_MAX: usize = 40;
const VIEW_QUERY_MAX: usize = 500;

/// One's own saved inbox views, by name.
pub async fn saved_views(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<netreach_store::SavedView>, ConversationError> {
    staff.may(Action::ListConversations)?;
    Ok(state.store.saved_views(staff.user.id).await?)
}

/// Saves the inbox's current filters (`query`, the inbox's own query string) under a name of
/// one's own; the same name replaces the view. At most [`VIEWS_MAX`] per person.
pub async fn save_view(
    state: &AppState,
    staff: &Staff,
    name: &str,
    query: &str,
) -> Result<(), ConversationError> {
    staff.may(Action::ListConversations)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > VIEW_NAME_MAX || query.len() > VIEW_QUERY_MAX {
        return Err(ConversationError::BadViewName);
    }
    let views = state.store.saved_views(staff.user.id).await?;
    if views.len() >= VIEWS_MAX && !views.iter().any(|v| v.name == name) {
        return Err(ConversationError::TooManyViews);
    }
    state
        .store
        .put_saved_view(&netreach_store::SavedView {
            id: uuid::Uuid::new_v4(),
            user_id: staff.user.id,
            name: name.to_owned(),
            query: query.to_owned(),
            created_at: state.clock.now(),
        })
        .await?;
    Ok(())
}

/// Deletes one of one's own saved views.
pub async fn delete_view(
    state: &AppState,
    staff: &Staff,
    id: uuid::Uuid,
) -> Result<(), ConversationError> {
    staff.may(Action::ListConversations)?;
    if !state.store.delete_saved_view(staff.user.id, id).await? {
        return Err(ConversationError::NotFound);
    }
    Ok(())
}
