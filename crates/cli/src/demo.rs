//! Demo content for `serve --demo`: a few sample conversations so the inbox is not empty.
//! They are real conversations (sealed like any other), written by this file, not by clients.

use netreach_app::AppState;
use netreach_app::conversations::{self, ConversationError, IntakeAnswers, NewRequest};
use netreach_core::{Lang, Topic};

const SAMPLES: &[(Topic, Lang, &str, &str)] = &[
    (
        Topic::Substances,
        Lang::En,
        "Is it risky to take pregabalin on the same night as heroin? (demo conversation)",
        "pregabalin, heroin",
    ),
    (
        Topic::Infections,
        Lang::Ru,
        "Где можно анонимно сдать тест на ВИЧ? (демо-разговор)",
        "",
    ),
    (
        Topic::Injection,
        Lang::En,
        "My injection site is red and warm since yesterday. What should I do? (demo conversation)",
        "",
    ),
];

/// `inbox` is the inbox key the demo admin was just given (the reply is sealed like any other).
/// The example services come first; the sample conversations go through the public start budget
/// (`conversations.starts_per_minute`), so a budget smaller than the samples loads fewer of them
/// and says so, rather than leaving the demo half made.
pub async fn load(state: &AppState, inbox: &netreach_crypto::SecretKeyBytes) -> anyhow::Result<()> {
    // Two example services, so the directory and referrals can be tried; clearly marked as
    // examples to be replaced with real ones (`netreach content export`, edit, `import`).
    let mut files = netreach_content::bundled_files();
    files.extend(
        DEMO_SERVICES
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned())),
    );
    netreach_app::published::import_files(state, files)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the demo services: {e}"))?;
    let Some(admin) = state.store.list_users().await?.into_iter().next() else {
        return Ok(());
    };
    for (i, (topic, lang, message, substances)) in SAMPLES.iter().enumerate() {
        let started = match conversations::start(
            state,
            NewRequest {
                topic: *topic,
                lang: *lang,
                message: (*message).to_owned(),
                intake: IntakeAnswers {
                    substances: (*substances).to_owned(),
                    ..IntakeAnswers::default()
                },
                channel: "web",
            },
        )
        .await
        {
            Ok(started) => started,
            Err(ConversationError::Busy) => {
                crate::say(&format!(
                    "demo: {i} of {} sample conversations loaded \
                     (conversations.starts_per_minute is {})",
                    SAMPLES.len(),
                    state.settings.conversations.starts_per_minute
                ));
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if i == 0 {
            conversations::staff_reply(
                state,
                &admin,
                Some(inbox),
                started.conversation.id,
                "Taking both together raises the risk of slowed breathing. If you do, use less of each, \
                 do not use alone, and keep naloxone nearby. (demo reply)",
                None,
            )
            .await?;
        }
    }
    Ok(())
}

const DEMO_SERVICES: [(&str, &str); 2] = [
    (
        "services/example-drop-in.toml",
        r#"slug = "example-drop-in"
kinds = ["needle_exchange", "naloxone", "hiv_hepatitis"]
city = "Example City"
address = "1 Example Street (demo data)"
contact = "+000 000 0000 (demo data)"
languages = ["en", "ru"]
anonymous = true
free = true
checked_at = "2026-11-30"
checked_by = "demo"

[name]
en = "Example drop-in centre (demo)"
ru = "Пример: центр низкопорогового доступа (демо)"

[hours]
en = "Mon–Fri 10:00–18:00"
ru = "Пн–Пт 10:00–18:00"

[description]
en = "An example entry shipped with the demo. Replace it with real services in your area."
ru = "Пример записи из демонстрационных данных. Замените его реальными сервисами вашего региона."
"#,
    ),
    (
        "services/example-oat-clinic.toml",
        r#"slug = "example-oat-clinic"
kinds = ["opioid_agonist_treatment"]
city = "Example City"
address = "2 Example Avenue (demo data)"
languages = ["en"]
checked_at = "2026-11-30"
checked_by = "demo"

[name]
en = "Example substitution treatment clinic (demo)"
ru = "Пример: клиника заместительной терапии (демо)"

[description]
en = "An example entry shipped with the demo. Replace it with real services in your area."
ru = "Пример записи из демонстрационных данных. Замените его реальными сервисами вашего региона."
"#,
    ),
];
