//! The append-only audit log.

use super::{on_each_backend, t0};
use netreach_core::AuditAction;
use netreach_store::{AuditFilter, AuditStore, NewAuditEntry};
use time::Duration;

fn line(minutes: i64, actor: &str, action: AuditAction, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: t0() + Duration::minutes(minutes),
        actor_id: None,
        actor: actor.into(),
        action,
        target: target.into(),
    }
}

#[tokio::test]
async fn audit_lines_are_read_newest_first_filtered_paged_and_purged_by_age() {
    on_each_backend(|store| async move {
        store
            .append_audit(line(0, "anna", AuditAction::SignIn, ""))
            .await
            .unwrap();
        store
            .append_audit(line(1, "anna", AuditAction::ConversationOpened, "c-1"))
            .await
            .unwrap();
        store
            .append_audit(line(2, "boris", AuditAction::ConversationOpened, "c-2"))
            .await
            .unwrap();
        let all = store
            .audit_entries(&AuditFilter {
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        let targets: Vec<&str> = all.iter().map(|e| e.entry.target.as_str()).collect();
        assert_eq!(targets, ["c-2", "c-1", ""]);
        assert_eq!(
            all[0].entry,
            line(2, "boris", AuditAction::ConversationOpened, "c-2")
        );
        let opened_by_anna = store
            .audit_entries(&AuditFilter {
                action: Some(AuditAction::ConversationOpened),
                actor: Some("anna".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(opened_by_anna.len(), 1);
        assert_eq!(opened_by_anna[0].entry.target, "c-1");
        let next_page = store
            .audit_entries(&AuditFilter {
                before_id: Some(all[1].id),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(next_page.len(), 1);
        assert_eq!(next_page[0].entry.action, AuditAction::SignIn);
        assert_eq!(
            store
                .purge_audit(t0() + Duration::minutes(2))
                .await
                .unwrap(),
            2
        );
        let left = store
            .audit_entries(&AuditFilter {
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
    })
    .await;
}
