//! The e-mail transport: one short plain-text message per outbox row, over SMTP with TLS
//! (rustls), naming only the kind of event and a console link.

use super::{Delivery, event_label_id, in_both, link};
use crate::settings::is_loopback_host;
use crate::state::AppState;
use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use netreach_core::Lang;
use netreach_core::notification::Event;
use netreach_i18n::Tr;
use netreach_store::QueuedNotification;
use secrecy::ExposeSecret;
use std::time::Duration;

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The mail transport for a configured URL. `smtp://` to anything but a loopback address
/// requires STARTTLS; `smtps://` is TLS from the start.
pub(crate) fn mailer(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut parsed = url::Url::parse(url).map_err(|_| "not a URL".to_owned())?;
    let loopback = parsed.host_str().is_some_and(is_loopback_host);
    let has_tls = parsed.query_pairs().any(|(k, _)| k == "tls");
    if parsed.scheme() == "smtp" && !loopback && !has_tls {
        parsed.query_pairs_mut().append_pair("tls", "required");
    }
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(parsed.as_str())
        .map_err(|e| format!("smtp settings: {e}"))?;
    Ok(builder.timeout(Some(TIMEOUT)).build())
}

/// Whether the configured SMTP server answers (connects, greets and, where required, starts
/// TLS): for the first-run checks. `None` when e-mail is not configured.
pub async fn reachable(state: &AppState) -> Option<Result<(), String>> {
    let email = &state.settings.email;
    if !email.enabled() {
        return None;
    }
    let url = match email.smtp_url() {
        Ok(Some(url)) => url,
        Ok(None) => return None,
        Err(e) => return Some(Err(e.to_string())),
    };
    let checked = match mailer(url.expose_secret()) {
        Ok(mailer) => mailer
            .test_connection()
            .await
            .map_err(|e| e.to_string())
            .and_then(|ok| {
                ok.then_some(())
                    .ok_or_else(|| "the server did not answer".to_owned())
            }),
        Err(e) => Err(e),
    };
    // Error text may hold the URL, and with it a password: only its kind is kept.
    Some(checked.map_err(|e| e.replace(url.expose_secret(), "<smtp_url>")))
}

/// The subject and body of a notification e-mail, in English and Russian (staff have no
/// language of their own yet): the kind of event and a link, nothing else.
pub fn compose(state: &AppState, event: Event, path: &str) -> (String, String) {
    let en = Tr::new(&state.i18n, Lang::En);
    let ru = Tr::new(&state.i18n, Lang::Ru);
    let id = event_label_id(event.as_str());
    let subject = format!("{}: {}", state.settings.org_name, in_both(state, &id));
    let body = format!(
        "{}\n{}\n\n{}\n\n{}\n{}\n",
        en.get(&id),
        ru.get(&id),
        link(state, path),
        en.get("notify-email-footer"),
        ru.get("notify-email-footer"),
    );
    (subject, body)
}

/// Wraps each line at spaces so that no line is longer than `max` bytes (a single word longer
/// than that stays whole).
fn wrap(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > max {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out.push('\n');
    out
}

pub(super) async fn deliver(state: &AppState, n: &QueuedNotification) -> Delivery {
    let email = &state.settings.email;
    let (Ok(Some(url)), Some(from)) = (email.smtp_url(), &email.from) else {
        // E-mail was turned off since the row was written.
        return Delivery::Done;
    };
    let Some(recipient) = n.recipient else {
        return Delivery::Done;
    };
    let address = match state.store.notification_profile(recipient).await {
        Ok(profile) => profile.and_then(|p| p.email),
        Err(e) => {
            tracing::error!(error = %e, "reading a notification address failed");
            return Delivery::Retry;
        }
    };
    // The member removed their address (or the account) since: nothing to send.
    let Some(address) = address else {
        return Delivery::Done;
    };
    let Ok(event) = n.event.parse::<Event>() else {
        return Delivery::Done;
    };
    let (Ok(from), Ok(to)) = (from.parse::<Mailbox>(), address.parse::<Mailbox>()) else {
        tracing::error!("a notification e-mail address does not parse");
        return Delivery::Refused;
    };
    let (subject, body) = compose(state, event, &n.console_path);
    // Sent as 8-bit text (lines kept short enough) rather than base64 or quoted-printable, so
    // what the message says can be read, and checked, as it travels; a line that cannot be
    // wrapped (a very long link) lets lettre choose the encoding.
    let body = wrap(&body, 72);
    let body = Body::new_with_encoding(body, ContentTransferEncoding::EightBit)
        .unwrap_or_else(|raw| Body::new(String::from_utf8_lossy(&raw).into_owned()));
    let message = match Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
    {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "building a notification e-mail failed");
            return Delivery::Refused;
        }
    };
    let mailer = match mailer(url.expose_secret()) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "e-mail transport not usable");
            return Delivery::Retry;
        }
    };
    match mailer.send(message).await {
        Ok(_) => Delivery::Done,
        Err(e) if e.is_permanent() => {
            tracing::error!(error = %e, "notification e-mail refused");
            Delivery::Refused
        }
        Err(e) => {
            tracing::error!(error = %e, "notification e-mail failed");
            Delivery::Retry
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{mailer, wrap};

    #[test]
    fn long_lines_are_wrapped_at_spaces() {
        let text = "Это письмо сообщает только, что что-то требует внимания. Откройте консоль.\n\nhttps://x";
        let wrapped = wrap(text, 72);
        assert!(wrapped.lines().all(|l| l.len() <= 72), "{wrapped}");
        assert_eq!(
            wrapped.replace('\n', " ").split_whitespace().count(),
            text.split_whitespace().count()
        );
        assert!(wrapped.contains("\n\nhttps://x\n"));
    }

    #[test]
    fn smtp_urls_build_for_loopback_plain_and_tls_elsewhere() {
        assert!(mailer("smtp://127.0.0.1:2525").is_ok());
        assert!(mailer("smtp://user:pa%40ss@mail.example.org:587").is_ok());
        assert!(mailer("smtps://mail.example.org").is_ok());
        assert!(mailer("http://mail.example.org").is_err());
    }
}
