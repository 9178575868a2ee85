//! Full-text search with tantivy, in memory, rebuilt whenever a pack is loaded: English and
//! Russian stemming (so «налоксона» finds «налоксон»), street names, and one-typo (fuzzy)
//! matching on titles and names. The index holds published content only, never a client's text.

use crate::Pack;
use crate::aliases::Aliases;
use crate::search::{ExtraDoc, Hit, Kind};
use netreach_core::Lang;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, Term, doc};

/// The search index of one pack.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    kind: Field,
    slug: Field,
    lang: Field,
    title: Field,
    /// Per language: (title field, body field, tokenizer name).
    fields: [(Field, Field, &'static str); 2],
    /// The names people type, shared with the checker.
    aliases: Aliases,
    /// Substance names by (slug, language), for the hit an exact alias puts first.
    names: std::collections::HashMap<(String, Lang), String>,
}

/// «ё» indexed and searched as «е», as the alias table folds it.
fn yo(text: &str) -> String {
    text.replace('ё', "е").replace('Ё', "Е")
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

fn analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(Stemmer::new(language))
        .build()
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Ru => 1,
    }
}

impl SearchIndex {
    /// Indexes every article and substance of the pack.
    pub fn build(pack: &Pack) -> tantivy::Result<SearchIndex> {
        Self::build_with(pack, &[])
    }

    /// Indexes the pack and published documents from outside it (Q&A entries).
    pub fn build_with(pack: &Pack, extra: &[ExtraDoc]) -> tantivy::Result<SearchIndex> {
        let mut schema = Schema::builder();
        let kind = schema.add_text_field("kind", STRING | STORED);
        let slug = schema.add_text_field("slug", STRING | STORED);
        let lang = schema.add_text_field("lang", STRING | STORED);
        let title = schema.add_text_field("display", STORED);
        let fields = [
            (
                schema.add_text_field("title_en", text("en")),
                schema.add_text_field("body_en", text("en")),
                "en",
            ),
            (
                schema.add_text_field("title_ru", text("ru")),
                schema.add_text_field("body_ru", text("ru")),
                "ru",
            ),
        ];
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register("en", analyzer(Language::English));
        index
            .tokenizers()
            .register("ru", analyzer(Language::Russian));
        let mut writer = index.writer::<TantivyDocument>(15_000_000)?;
        let aliases = Aliases::of(pack);
        let mut names = std::collections::HashMap::new();
        for a in &pack.articles {
            let (t, b, _) = fields[lang_index(a.lang)];
            writer.add_document(doc!(
                kind => "article", slug => a.slug.clone(), lang => a.lang.code(), title => a.title.clone(),
                t => yo(&a.title),
                b => yo(&format!("{} {} {} {}", a.summary, a.tags.join(" "), a.topic, a.body)),
            ))?;
        }
        for s in &pack.substances {
            // Every alias in both languages' documents: someone reading Russian types «xanax» too.
            let all_names = aliases.of_substance(&s.slug).collect::<Vec<_>>().join(" ");
            for l in Lang::ALL {
                let (t, b, _) = fields[lang_index(l)];
                let texts = s.texts(l);
                names.insert((s.slug.clone(), l), s.name(l).to_owned());
                writer.add_document(doc!(
                    kind => "substance", slug => s.slug.clone(), lang => l.code(), title => s.name(l).to_owned(),
                    t => yo(&format!("{} {all_names}", s.name(l))),
                    b => yo(&format!("{} {} {}", texts.summary, texts.effects, texts.risks)),
                ))?;
            }
        }
        for e in extra {
            let (t, b, _) = fields[lang_index(e.lang)];
            writer.add_document(doc!(
                kind => e.kind.as_str(), slug => e.slug.clone(), lang => e.lang.code(), title => e.title.clone(),
                t => yo(&e.title),
                b => yo(&e.body),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            index,
            reader,
            kind,
            slug,
            lang,
            title,
            fields,
            aliases,
            names,
        })
    }

    /// The pack's alias table (the checker uses the same one).
    pub fn aliases(&self) -> &Aliases {
        &self.aliases
    }

    fn terms(&self, tokenizer: &str, field: Field, query: &str) -> Vec<Term> {
        let Some(mut analyzer) = self.index.tokenizers().get(tokenizer) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(query);
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push(Term::from_field_text(field, &stream.token().text));
        }
        terms
    }

    /// Up to `limit` results for a query in either language, the visitor's language first.
    /// A query that is exactly a name people use for a substance (an alias) puts that
    /// substance first.
    pub fn search(&self, query: &str, visitor: Lang, limit: usize) -> Vec<Hit> {
        let query: String = yo(&query.chars().take(200).collect::<String>());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (title, body, tokenizer) in self.fields {
            for term in self.terms(tokenizer, title, &query) {
                if term
                    .value()
                    .as_str()
                    .is_some_and(|t| t.chars().count() >= 4)
                {
                    clauses.push((
                        Occur::Should,
                        Box::new(FuzzyTermQuery::new(term.clone(), 1, true)),
                    ));
                }
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                        3.0,
                    )),
                ));
            }
            for term in self.terms(tokenizer, body, &query) {
                clauses.push((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit * 2).order_by_score(),
        ) else {
            return Vec::new();
        };
        let mut hits: Vec<(f32, Hit)> = top
            .into_iter()
            .filter_map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                let get = |f: Field| doc.get_first(f).and_then(|v| v.as_str()).map(str::to_owned);
                let lang = Lang::parse(&get(self.lang)?)?;
                Some((
                    score,
                    Hit {
                        kind: match get(self.kind)?.as_str() {
                            "article" => Kind::Article,
                            "qa" => Kind::Qa,
                            _ => Kind::Substance,
                        },
                        slug: get(self.slug)?,
                        title: get(self.title)?,
                        lang,
                        score: (score * 100.0) as u32,
                    },
                ))
            })
            .collect();
        hits.sort_by(|(sa, a), (sb, b)| {
            (a.lang != visitor)
                .cmp(&(b.lang != visitor))
                .then(sb.total_cmp(sa))
        });
        let mut hits: Vec<Hit> = hits.into_iter().map(|(_, h)| h).collect();
        if let Some(slug) = self.aliases.find(&query)
            && let Some(name) = self.names.get(&(slug.to_owned(), visitor))
        {
            hits.retain(|h| !(h.kind == Kind::Substance && h.slug == slug && h.lang == visitor));
            hits.insert(
                0,
                Hit {
                    kind: Kind::Substance,
                    slug: slug.to_owned(),
                    title: name.clone(),
                    lang: visitor,
                    score: u32::MAX,
                },
            );
        }
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stemming_street_names_typos_and_language_order() {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let index = SearchIndex::build(&pack).unwrap();
        let stemmed = index.search("налоксона", Lang::Ru, 5);
        assert!(
            stemmed
                .iter()
                .any(|h| h.slug == "naloxone" && h.lang == Lang::Ru),
            "{stemmed:?}"
        );
        let plural = index.search("overdoses", Lang::En, 5);
        assert!(
            !plural.is_empty() && plural[0].lang == Lang::En,
            "{plural:?}"
        );
        let typo = index.search("haroin", Lang::En, 5);
        assert!(typo.iter().any(|h| h.slug == "heroin"), "{typo:?}");
        let street = index.search("tranq", Lang::En, 5);
        assert!(street.iter().any(|h| h.slug == "xylazine"), "{street:?}");
        let alias = index.search("Спиды", Lang::Ru, 5);
        assert_eq!(
            (
                alias[0].slug.as_str(),
                alias[0].lang,
                alias[0].title.as_str()
            ),
            ("amphetamine", Lang::Ru, "Амфетамин (спиды)"),
            "an exact alias comes first"
        );
        let other_language = index.search("speed", Lang::Ru, 5);
        assert_eq!(other_language[0].slug, "amphetamine");
        assert!(index.search("", Lang::En, 5).is_empty());
    }
}
