//! The two-way side of the Bot API: reading what people send the organisation's bot
//! (`getUpdates` or a webhook), answering them (`sendMessage` with a keyboard, `answerCallbackQuery`)
//! and downloading what they attach (`getFile`). Only the fields Netreach uses are parsed: a
//! sender's username, name and profile are never read into memory as anything but the raw update.

use super::{BotApi, SendError, without_url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// Who the bot is, as `getMe` answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BotInfo {
    pub id: i64,
    #[serde(default)]
    pub username: String,
}

/// One update, reduced to what the bot acts on.
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    pub update_id: i64,
    #[serde(default)]
    pub message: Option<Message>,
    #[serde(default)]
    pub callback_query: Option<CallbackQuery>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub message_id: i64,
    pub chat: Chat,
    #[serde(default)]
    pub from: Option<User>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// The sizes of a photo, smallest first.
    #[serde(default)]
    pub photo: Vec<PhotoSize>,
    #[serde(default)]
    pub voice: Option<FileRef>,
    /// Anything else attached (documents, stickers, video): told that only photos and voice
    /// are taken.
    #[serde(default)]
    pub document: Option<FileRef>,
    #[serde(default)]
    pub sticker: Option<Value>,
    #[serde(default)]
    pub video: Option<FileRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Chat {
    pub id: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    #[serde(rename = "type", default)]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// An IETF tag such as `ru` or `en-GB`, when the client shares it.
    #[serde(default)]
    pub language_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhotoSize {
    pub file_id: String,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
    #[serde(default)]
    pub file_size: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileRef {
    pub file_id: String,
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(default)]
    pub mime_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CallbackQuery {
    pub id: String,
    #[serde(default)]
    pub from: Option<User>,
    #[serde(default)]
    pub message: Option<CallbackMessage>,
    #[serde(default)]
    pub data: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CallbackMessage {
    pub chat: Chat,
}

impl Update {
    /// The chat an update came from, and whether it is a private chat with the bot.
    pub fn chat(&self) -> Option<(i64, bool)> {
        let chat = match (&self.message, &self.callback_query) {
            (Some(m), _) => &m.chat,
            (
                None,
                Some(CallbackQuery {
                    message: Some(m), ..
                }),
            ) => &m.chat,
            _ => return None,
        };
        Some((chat.id, chat.kind == "private"))
    }

    /// The sender's language code, if shared.
    pub fn language_code(&self) -> Option<&str> {
        let from = match (&self.message, &self.callback_query) {
            (Some(m), _) => m.from.as_ref(),
            (None, Some(q)) => q.from.as_ref(),
            _ => None,
        };
        from.and_then(|f| f.language_code.as_deref())
    }
}

impl Message {
    /// The largest photo size no bigger than `max_bytes` (when Telegram says how big).
    pub fn best_photo(&self, max_bytes: u64) -> Option<&PhotoSize> {
        self.photo
            .iter()
            .filter(|p| p.file_size.is_none_or(|s| s <= max_bytes))
            .max_by_key(|p| u64::from(p.width) * u64::from(p.height))
    }
}

/// One row of buttons under a message: `(label, callback data)`.
pub type ButtonRow = Vec<(String, String)>;

fn keyboard(rows: &[ButtonRow]) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            Value::Array(
                row.iter()
                    .map(|(text, data)| json!({"text": text, "callback_data": data}))
                    .collect(),
            )
        })
        .collect();
    json!({ "inline_keyboard": rows })
}

impl BotApi {
    fn method_url(&self, token: &SecretString, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base, token.expose_secret())
    }

    /// One Bot API call with a JSON body; the `result` on success, classified otherwise.
    async fn call(
        &self,
        token: &SecretString,
        method: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<Value, SendError> {
        let response = self
            .http
            .post(self.method_url(token, method))
            .timeout(timeout)
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Temporary(without_url(&e)))?;
        let status = response.status().as_u16();
        #[derive(Deserialize)]
        struct Answer {
            ok: bool,
            #[serde(default)]
            description: Option<String>,
            #[serde(default)]
            result: Option<Value>,
            #[serde(default)]
            parameters: Option<super::Parameters>,
        }
        let answer: Option<Answer> = response.json().await.ok();
        match answer {
            Some(Answer {
                ok: true, result, ..
            }) => Ok(result.unwrap_or(Value::Null)),
            Some(Answer {
                parameters:
                    Some(super::Parameters {
                        retry_after: Some(seconds),
                    }),
                ..
            }) => Err(SendError::RetryAfter(seconds)),
            _ if status == 429 => Err(SendError::RetryAfter(30)),
            Some(Answer { description, .. }) if status < 500 && status != 0 => Err(
                SendError::Refused(description.unwrap_or_else(|| format!("HTTP {status}"))),
            ),
            _ => Err(SendError::Temporary(format!("HTTP {status}"))),
        }
    }

    /// Who the bot is: whether the token works, and its username.
    pub async fn bot_info(&self, token: &SecretString) -> Result<BotInfo, SendError> {
        let result = self
            .call(token, "getMe", &json!({}), Duration::from_secs(10))
            .await?;
        serde_json::from_value(result).map_err(|e| SendError::Temporary(e.to_string()))
    }

    /// Waits up to `wait` for updates after `offset`. Returns each update as Telegram sent it
    /// (to be stored sealed before the offset moves on) with its id.
    pub async fn get_updates(
        &self,
        token: &SecretString,
        offset: i64,
        wait: Duration,
    ) -> Result<Vec<(i64, Value)>, SendError> {
        let body = json!({
            "offset": offset,
            "timeout": wait.as_secs(),
            "allowed_updates": ["message", "callback_query"],
        });
        let result = self
            .call(token, "getUpdates", &body, wait + Duration::from_secs(10))
            .await?;
        let Value::Array(items) = result else {
            return Err(SendError::Temporary("getUpdates: not a list".into()));
        };
        Ok(items
            .into_iter()
            .filter_map(|item| {
                let id = item.get("update_id")?.as_i64()?;
                Some((id, item))
            })
            .collect())
    }

    /// Sends `html` to a chat, with buttons under it when `rows` is not empty. Returns the new
    /// message's id.
    pub async fn send_text(
        &self,
        token: &SecretString,
        chat: i64,
        html: &str,
        rows: &[ButtonRow],
    ) -> Result<i64, SendError> {
        let mut body = json!({
            "chat_id": chat,
            "text": html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        if !rows.is_empty() {
            body["reply_markup"] = keyboard(rows);
        }
        let result = self
            .call(token, "sendMessage", &body, Duration::from_secs(15))
            .await?;
        Ok(result
            .get("message_id")
            .and_then(Value::as_i64)
            .unwrap_or(0))
    }

    /// Stops the spinner on a pressed button.
    pub async fn answer_callback(&self, token: &SecretString, id: &str) -> Result<(), SendError> {
        self.call(
            token,
            "answerCallbackQuery",
            &json!({"callback_query_id": id}),
            Duration::from_secs(10),
        )
        .await
        .map(|_| ())
    }

    /// Points Telegram at a webhook with a secret token, or (with `None`) back to polling.
    pub async fn set_webhook(
        &self,
        token: &SecretString,
        hook: Option<(&str, &str)>,
    ) -> Result<(), SendError> {
        let (method, body) = match hook {
            Some((url, secret)) => (
                "setWebhook",
                json!({"url": url, "secret_token": secret,
                       "allowed_updates": ["message", "callback_query"]}),
            ),
            None => ("deleteWebhook", json!({})),
        };
        self.call(token, method, &body, Duration::from_secs(10))
            .await
            .map(|_| ())
    }

    /// Downloads a file someone sent the bot, reading at most `max_bytes` (more is refused
    /// without reading the rest). The bytes stay in memory.
    pub async fn download(
        &self,
        token: &SecretString,
        file_id: &str,
        max_bytes: usize,
    ) -> Result<Vec<u8>, DownloadError> {
        let result = self
            .call(
                token,
                "getFile",
                &json!({"file_id": file_id}),
                Duration::from_secs(15),
            )
            .await
            .map_err(DownloadError::Send)?;
        if result
            .get("file_size")
            .and_then(Value::as_u64)
            .is_some_and(|size| size > max_bytes as u64)
        {
            return Err(DownloadError::TooLarge);
        }
        let path = result
            .get("file_path")
            .and_then(Value::as_str)
            .filter(|p| !p.contains("..") && !p.starts_with('/'))
            .ok_or_else(|| DownloadError::Send(SendError::Refused("no file path".into())))?;
        let url = format!("{}/file/bot{}/{path}", self.base, token.expose_secret());
        let mut response = self
            .http
            .get(url)
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .map_err(|e| DownloadError::Send(SendError::Temporary(without_url(&e))))?;
        let status = response.status().as_u16();
        if status >= 400 {
            return Err(DownloadError::Send(if status >= 500 || status == 429 {
                SendError::Temporary(format!("HTTP {status}"))
            } else {
                SendError::Refused(format!("HTTP {status}"))
            }));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| DownloadError::Send(SendError::Temporary(without_url(&e))))?
        {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(DownloadError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    #[error("the file is larger than allowed")]
    TooLarge,
    #[error(transparent)]
    Send(SendError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_keep_only_what_the_bot_acts_on() {
        let raw = json!({"update_id": 5, "message": {"message_id": 1,
            "chat": {"id": 77, "type": "private", "username": "u", "first_name": "F"},
            "from": {"id": 77, "language_code": "ru", "first_name": "F"},
            "text": "hi",
            "photo": [{"file_id": "a", "width": 90, "height": 90, "file_size": 100},
                      {"file_id": "b", "width": 1280, "height": 960, "file_size": 9000}]}});
        let update: Update = serde_json::from_value(raw).unwrap();
        assert_eq!(update.chat(), Some((77, true)));
        assert_eq!(update.language_code(), Some("ru"));
        let message = update.message.unwrap();
        assert_eq!(message.best_photo(10_000).unwrap().file_id, "b");
        assert_eq!(message.best_photo(1_000).unwrap().file_id, "a");
        let debug = format!("{message:?}");
        assert!(!debug.contains("first_name") && !debug.contains("username"));
    }

    #[test]
    fn a_pressed_button_names_its_chat() {
        let raw = json!({"update_id": 6, "callback_query": {"id": "q", "data": "menu",
            "from": {"id": 1, "language_code": "en"},
            "message": {"message_id": 2, "chat": {"id": -100, "type": "supergroup"}}}});
        let update: Update = serde_json::from_value(raw).unwrap();
        assert_eq!(update.chat(), Some((-100, false)));
    }
}
