//! Forum watch where a forum cannot be fetched: a saved page uploaded in the console or over the
//! API reaches the queue like a fetched one; files too large, of another type or in an
//! undeclared non-UTF-8 encoding are refused with a message.

use super::watch::{CP1251, api, quick};
use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};
/// A multipart form body: text fields, then a file part; with its content type.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "netreach-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\ncontent-type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A thread page as a browser saves it: a head heavy with inline styles (more than a paste
/// may be), then the posts.
fn saved_thread() -> Vec<u8> {
    let mut page = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Thread</title><style>",
    );
    while page.len() < 90_000 {
        page.push_str(".x{color:#123456;margin:0 auto;padding:1px 2px}\n");
    }
    page.push_str("</style></head><body>");
    page.push_str(
        "<div class=\"post\"><span class=\"who\">walrus77</span><a class=\"perma\" href=\"/t/9#p1\">#1</a>\
         <div class=\"body\">Mixing heroin and alcohol tonight, any tips?</div></div>\
         <div class=\"post\"><span class=\"who\">quietcat</span><div class=\"body\">nice weather</div></div>\
         <div class=\"post\"><span class=\"who\">sova</span><div class=\"body\">Вчера у друга была передозировка, еле откачали</div></div>\
         </body></html>",
    );
    page.into_bytes()
}

fn upload_settings(settings: &mut netreach_app::settings::Settings) {
    quick(settings);
    settings.watch.max_upload_bytes = 200_000;
}

#[tokio::test]
async fn a_saved_page_uploaded_in_the_console_reaches_the_queue_and_bad_files_are_refused_with_a_message()
 {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, upload_settings).await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    let id = sup
        .source(json!({"name": "walled board", "kind": "html", "url": "http://forumxyz.onion/t/9",
            "selectors": {"post": "div.post", "handle": ".who", "text": ".body", "permalink": "a.perma"}}))
        .await;
    let (worker, _) = app.signed_in("wanda", Role::Worker).await;
    let queue = worker.get_text("/staff/watch").await;
    assert!(
        queue.contains("enctype=\"multipart/form-data\"") && queue.contains("type=\"file\""),
        "{queue}"
    );
    let (url, origin) = (app.url("/staff/watch/upload"), app.url(""));
    let send = |lang: &'static str, body: (String, Vec<u8>)| {
        let (worker, url, origin) = (worker.clone(), url.clone(), origin.clone());
        async move {
            worker
                .client
                .post(url)
                .header("origin", origin)
                .header("sec-fetch-site", "same-origin")
                .header("accept-language", lang)
                .header("content-type", body.0)
                .body(body.1)
                .send()
                .await
                .unwrap()
        }
    };
    let fields = [
        ("source_id", id.as_str()),
        ("url", "http://forumxyz.onion/t/9?page=2"),
        ("content", ""),
    ];

    // The saved page is larger than a form may be (64 KiB), and is read with the source's selectors.
    let page = saved_thread();
    assert!(page.len() > 64 * 1024);
    let done = send(
        "en",
        multipart(&fields, Some(("Thread - board.html", "text/html", &page))),
    )
    .await;
    assert_eq!(done.status(), 303);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location, "/staff/watch?done=fetched&posts=3&matches=2",
        "{location}"
    );
    let queue = worker.get_text("/staff/watch").await;
    assert!(queue.contains("<mark>передозировка</mark>"), "{queue}");
    assert!(
        queue.contains("walrus77") && !queue.contains("quietcat"),
        "{queue}"
    );

    // Too large for an upload (yet within the request's limit): refused in the reader's
    // language, with what was typed kept.
    let big = vec![b'a'; 200_001];
    for (lang, message) in [
        ("en", "This file is too large to upload"),
        ("ru", "Файл слишком большой"),
    ] {
        let refused = send(
            lang,
            multipart(&fields, Some(("big.txt", "text/plain", &big))),
        )
        .await;
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.unwrap();
        assert!(html.contains(message), "{html}");
        assert!(
            html.contains("value=\"http://forumxyz.onion/t/9?page=2\""),
            "{html}"
        );
    }
    // Not a saved page: an image, or a file that is not UTF-8 text.
    for (name, content_type, bytes, lang, message) in [
        (
            "photo.png",
            "image/png",
            &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
            "en",
            "This file is not a saved web page",
        ),
        (
            "page.html",
            "text/html",
            &b"<html>\xff\xfe\xfd</html>"[..],
            "ru",
            "Это не сохранённая веб-страница",
        ),
    ] {
        let refused = send(lang, multipart(&fields, Some((name, content_type, bytes)))).await;
        assert_eq!(refused.status(), 422, "{name}");
        let html = refused.text().await.unwrap();
        assert!(html.contains(message), "{name}: {html}");
    }
    // The raised limit is the upload's alone: a form elsewhere keeps `max_body_bytes`.
    let long = "x".repeat(70 * 1024);
    let refused = worker
        .post_form("/staff/watch/lexicon/test", &[("text", &long)])
        .await;
    assert_eq!(refused.status(), 413);

    // Pasted text still goes through the same form, without a file.
    let pasted = send(
        "en",
        multipart(
            &[
                ("source_id", id.as_str()),
                ("url", ""),
                ("content", "He had a seizure after the new batch"),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(pasted.status(), 303);
}

#[tokio::test]
async fn the_api_takes_a_saved_page_as_a_file_and_refuses_one_too_large_or_of_another_type() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, |s| {
        quick(s);
        s.watch.max_upload_bytes = 20_000;
    })
    .await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    let id = sup
        .source(json!({"name": "walled", "kind": "paste", "url": "http://forumxyz.onion/t/5"}))
        .await;
    let worker = api(&app, "wanda", Role::Worker).await;
    let upload = |body: (String, Vec<u8>)| {
        let request = worker
            .http
            .post(app.url(&format!("/api/v1/staff/watch/sources/{id}/upload")))
            .bearer_auth(&worker.token)
            .header("content-type", body.0)
            .body(body.1);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let text = "He had a seizure after the new batch, what now?".as_bytes();
    let (status, body) = upload(multipart(
        &[("url", "http://forumxyz.onion/t/5#p2")],
        Some(("thread.txt", "text/plain", text)),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["new_matches"], 1);
    let (_, page) = worker.get("/api/v1/staff/watch/matches").await;
    assert_eq!(
        page["items"][0]["url"], "http://forumxyz.onion/t/5#p2",
        "{page}"
    );

    // Above the upload limit, within the request's (`max_body_bytes` more), and beyond it:
    // refused before it is read.
    for size in [20_001, 64 * 1024 + 20_001] {
        let (status, body) = upload(multipart(
            &[],
            Some(("big.html", "text/html", &vec![b'a'; size])),
        ))
        .await;
        assert_eq!(status, 413, "{size}: {body}");
        assert_eq!(body["error"]["code"], "payload_too_large");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("too large to upload"),
            "{body}"
        );
    }
    let (status, body) = upload(multipart(
        &[],
        Some(("a.pdf", "application/pdf", b"%PDF-1.7")),
    ))
    .await;
    assert_eq!(status, 415, "{body}");
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let (status, body) = upload(multipart(&[("url", "x")], None)).await;
    assert_eq!(status, 422, "{body}");

    // A Russian forum page saved by the browser in windows-1251, as its <meta> says.
    let page = [
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>".as_slice(),
        CP1251,
        b"</p></body></html>",
    ]
    .concat();
    let (status, body) = upload(multipart(
        &[("url", "http://forumxyz.onion/t/6")],
        Some(("thread.html", "text/html", &page)),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["new_matches"], 1, "read as windows-1251: {body}");
    let (_, page) = worker.get("/api/v1/staff/watch/matches").await;
    assert!(
        page.to_string().contains("судороги"),
        "the snippet is readable Russian: {page}"
    );
    // The same bytes with no declaration are not UTF-8: refused, not read as garbage.
    let (status, body) = upload(multipart(&[], Some(("thread.txt", "text/plain", CP1251)))).await;
    assert_eq!(status, 415, "{body}");
}
