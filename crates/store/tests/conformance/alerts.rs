//! Alert reports, alerts, their verifications and status changes.

use super::{new_user, on_each_backend, t0};
use netreach_core::{AlertId, AlertReportId, AlertStatus, Role, Severity};
use netreach_store::{AccountStore, AlertRecord, AlertReportRecord, AlertStore};
use time::Duration;

#[tokio::test]
async fn alerts_move_through_their_states_and_count_distinct_verifiers() {
    on_each_backend(|store| async move {
        let a = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let b = store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let report_id = AlertReportId::new_random();
        store
            .create_alert_report(AlertReportRecord {
                id: report_id,
                created_at: t0(),
                region: "Tallinn".into(),
                body: vec![1; 40],
                key_inbox: vec![2; 80],
                flagged: true,
            })
            .await
            .unwrap();
        assert!(store.alert_report_exists(report_id).await.unwrap());
        assert!(
            !store
                .alert_report_exists(AlertReportId::new_random())
                .await
                .unwrap()
        );
        assert!(store.alert_reports(10).await.unwrap()[0].flagged);
        let id = AlertId::new_random();
        let alert = AlertRecord {
            id,
            report_id: Some(report_id),
            severity: Severity::Danger,
            regions: "Tallinn".into(),
            substances: "heroin".into(),
            title_en: "t".into(),
            body_en: "b".into(),
            title_ru: "т".into(),
            body_ru: "б".into(),
            status: AlertStatus::Reported,
            expires_at: t0() + Duration::days(7),
            created_by: Some(a.id),
            created_at: t0(),
            verified_at: None,
            published_at: None,
            withdrawn_at: None,
        };
        store.create_alert(alert.clone()).await.unwrap();
        assert_eq!(store.alert(id).await.unwrap(), Some(alert));
        assert_eq!(store.verify_alert(id, a.id, t0()).await.unwrap(), 1);
        assert_eq!(store.verify_alert(id, a.id, t0()).await.unwrap(), 1);
        assert_eq!(store.verify_alert(id, b.id, t0()).await.unwrap(), 2);
        let verifiers = store.alert_verifiers(id).await.unwrap();
        assert_eq!(verifiers.len(), 2);
        assert!(verifiers.contains(&a.id) && verifiers.contains(&b.id));
        assert!(
            !store
                .set_alert_status(id, AlertStatus::Verified, AlertStatus::Published, t0())
                .await
                .unwrap(),
            "published before verified"
        );
        let later = t0() + Duration::minutes(5);
        assert!(
            store
                .set_alert_status(id, AlertStatus::Reported, AlertStatus::Verified, later)
                .await
                .unwrap()
        );
        assert!(
            store
                .set_alert_status(id, AlertStatus::Verified, AlertStatus::Published, t0())
                .await
                .unwrap()
        );
        let published = store.alerts(Some(AlertStatus::Published)).await.unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].verified_at, Some(later));
        assert_eq!(published[0].published_at, Some(t0()));
        assert!(
            store
                .set_alert_status(id, AlertStatus::Published, AlertStatus::Withdrawn, t0())
                .await
                .unwrap()
        );
        assert!(
            store
                .alerts(Some(AlertStatus::Published))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.alerts(None).await.unwrap().len(), 1);
        let stored = store.alert(id).await.unwrap().unwrap();
        assert_eq!(stored.status, AlertStatus::Withdrawn);
        assert_eq!(stored.withdrawn_at, Some(t0()));
    })
    .await;
}
