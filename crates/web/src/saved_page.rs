//! Reading forum watch's paste-or-upload form from its multipart body, for the console and the
//! API alike: the text fields, and the saved page's file, of which no more than the upload
//! limit and one byte is kept (the rest is read and dropped, so the browser gets the answer;
//! the body itself is bounded by the route's limit, see `upload::body_limit`).

use crate::watch::UploadedPage;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;

/// What the form sent.
#[derive(Debug, Default)]
pub struct SavedForm {
    pub source_id: String,
    pub url: String,
    /// Pasted text (the console's form has both a text box and a file field).
    pub content: String,
    /// The file, when one was chosen.
    pub file: Option<UploadedPage>,
}

pub async fn read(multipart: &mut Multipart, limit: usize) -> Result<SavedForm, MultipartError> {
    let mut form = SavedForm::default();
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let mut page = UploadedPage {
                file_name: field.file_name().unwrap_or("").to_owned(),
                content_type: field.content_type().unwrap_or("").to_owned(),
                ..UploadedPage::default()
            };
            while let Some(chunk) = field.chunk().await? {
                let room = (limit + 1).saturating_sub(page.bytes.len());
                page.bytes
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            // A file input left empty still sends a part, with no name and no bytes.
            if !(page.file_name.is_empty() && page.bytes.is_empty()) {
                form.file = Some(page);
            }
            continue;
        }
        let slot = match name.as_str() {
            "source_id" => &mut form.source_id,
            "url" => &mut form.url,
            "content" => &mut form.content,
            _ => continue,
        };
        *slot = field.text().await?;
    }
    Ok(form)
}
