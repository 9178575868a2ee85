//! Demo content for `serve --demo`: a few sample conversations so the inbox is not empty.
//! They are real conversations (sealed like any other), written by this file, not by clients.

use netreach_core::{Lang, Topic};
use netreach_web::AppState;
use netreach_web::conversations::{self, IntakeAnswers, NewRequest};

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
pub async fn load(state: &AppState, inbox: &netreach_crypto::SecretKeyBytes) -> anyhow::Result<()> {
    let Some(admin) = state.store.list_users().await?.into_iter().next() else {
        return Ok(());
    };
    for (i, (topic, lang, message, substances)) in SAMPLES.iter().enumerate() {
        let started = conversations::start(
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
        .await?;
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
