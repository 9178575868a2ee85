//! The bundled pack's combination answers for the pairs that can kill, pinned.
//!
//! LOWERING A PAIR REQUIRES CHANGING THIS TEST IN THE SAME COMMIT, WITH THE REASON (a source)
//! in the row's note and in the commit message. A content edit that makes the checker answer a
//! dangerous pair more mildly, or lets it fall through to `unknown`, must fail here rather than
//! reach a client. Raising a pair also changes its row, so every change to these answers is seen
//! in review.
//!
//! Each row names the finding of the clinical review (content-review-2026-12: C1, M1-M19, m1-m27,
//! Appendix A) or the reason the pair is pinned. The texts and sources are in `content/`.

use netreach_content::{Pack, Substance, check};

/// (substance, substance, category the checker must answer, why it is pinned)
const PINNED: &[(&str, &str, &str, &str)] = &[
    // Opioids with other depressants: the commonest mixes in overdose deaths.
    (
        "heroin",
        "benzodiazepines",
        "dangerous",
        "FDA 2016 opioid + benzodiazepine boxed warning",
    ),
    (
        "fentanyl",
        "benzodiazepines",
        "dangerous",
        "FDA 2016 opioid + benzodiazepine boxed warning",
    ),
    (
        "nitazenes",
        "benzodiazepines",
        "dangerous",
        "FDA 2016; EUDA: benzodiazepines in over half of deaths",
    ),
    ("methadone", "benzodiazepines", "dangerous", "FDA 2016/2017"),
    (
        "buprenorphine",
        "benzodiazepines",
        "dangerous",
        "FDA 2016/2017",
    ),
    ("heroin", "alcohol", "dangerous", "NIAAA; FDA 2016"),
    ("fentanyl", "alcohol", "dangerous", "NIAAA; FDA 2016"),
    ("methadone", "alcohol", "dangerous", "NIAAA; FDA 2016"),
    ("tramadol", "alcohol", "dangerous", "tramadol label"),
    ("heroin", "ghb", "dangerous", "Xyrem 2012"),
    ("fentanyl", "ghb", "dangerous", "Xyrem 2012"),
    ("heroin", "gabapentin", "dangerous", "Gomes 2017; FDA 2019"),
    ("heroin", "pregabalin", "dangerous", "Gomes 2018; FDA 2019"),
    ("methadone", "pregabalin", "dangerous", "FDA 2019"),
    (
        "heroin",
        "z-drugs",
        "dangerous",
        "FDA 2016 (other CNS depressants)",
    ),
    (
        "heroin",
        "phenibut",
        "dangerous",
        "FDA 2016 (other CNS depressants)",
    ),
    ("heroin", "xylazine", "dangerous", "FDA 2022 xylazine"),
    ("fentanyl", "xylazine", "dangerous", "FDA 2022 xylazine"),
    (
        "buprenorphine",
        "oxycodone",
        "dangerous",
        "Appendix A; m5 precipitated withdrawal",
    ),
    ("buprenorphine", "nitazenes", "dangerous", "Appendix A"),
    ("heroin", "fentanyl", "dangerous", "two opioids"),
    ("alcohol", "benzodiazepines", "dangerous", "NIAAA"),
    ("alcohol", "z-drugs", "dangerous", "NIAAA"),
    // GHB/GBL.
    ("ghb", "alcohol", "dangerous", "Xyrem 2012: contraindicated"),
    ("ghb", "benzodiazepines", "dangerous", "Xyrem 2012"),
    ("ghb", "z-drugs", "dangerous", "Xyrem 2012"),
    ("ghb", "pregabalin", "dangerous", "Xyrem 2012; FDA 2019"),
    ("ghb", "ketamine", "dangerous", "M2"),
    ("ghb", "nitrous-oxide", "dangerous", "M2"),
    ("ghb", "dxm", "dangerous", "M2"),
    // Stimulants.
    (
        "cocaine",
        "alcohol",
        "dangerous",
        "cocaethylene; van Amsterdam 2024",
    ),
    ("cocaine", "amphetamine", "unsafe", "stimulant + stimulant"),
    ("cocaine", "tramadol", "unsafe", "M4 seizures"),
    ("amphetamine", "tramadol", "unsafe", "M4 seizures"),
    ("methamphetamine", "tramadol", "unsafe", "M4 seizures"),
    ("mephedrone", "tramadol", "unsafe", "M4 seizures"),
    ("alpha-pvp", "tramadol", "unsafe", "M4 seizures"),
    ("methylphenidate", "tramadol", "unsafe", "M4 seizures"),
    // MAOIs.
    ("maois", "ssris", "dangerous", "Appendix A; M8"),
    ("maois", "mdma", "dangerous", "Vuori 2003; Pilgrim 2012"),
    ("maois", "amphetamine", "dangerous", "amphetamine label"),
    ("maois", "methamphetamine", "dangerous", "amphetamine label"),
    ("maois", "cocaine", "dangerous", "Appendix A"),
    ("maois", "mephedrone", "dangerous", "Appendix A"),
    ("maois", "tramadol", "dangerous", "tramadol label"),
    ("maois", "dxm", "dangerous", "DXM Drug Facts"),
    ("maois", "methadone", "unsafe", "Gillman 2005"),
    ("maois", "fentanyl", "unsafe", "Gillman 2005"),
    ("maois", "dmt", "unsafe", "Appendix A"),
    ("maois", "2c-b", "unsafe", "m1"),
    ("maois", "psilocybin", "caution", "Appendix A"),
    ("maois", "lsd", "caution", "m4: NBOMe/DOx sold as LSD"),
    ("maois", "caffeine", "caution", "m3"),
    // Serotonergic antidepressants.
    ("ssris", "mdma", "unsafe", "M1: Farre 2007"),
    ("ssris", "tramadol", "dangerous", "tramadol label"),
    ("ssris", "dxm", "dangerous", "M3"),
    ("ssris", "methadone", "caution", "Appendix A; M10 QT note"),
    ("ssris", "fentanyl", "caution", "Appendix A"),
    ("ssris", "mephedrone", "caution", "Appendix A"),
    ("ssris", "amphetamine", "caution", "Appendix A"),
    ("ssris", "dmt", "unsafe", "ayahuasca"),
    ("ssris", "lsd", "low_risk_decrease", "Bonson 1996"),
    ("ssris", "psilocybin", "low_risk_decrease", "Gukasyan 2023"),
    // Lithium.
    ("lithium", "mdma", "unsafe", "M5"),
    ("lithium", "tramadol", "unsafe", "M5"),
    ("lithium", "dxm", "unsafe", "M5"),
    ("lithium", "mephedrone", "unsafe", "M5"),
    ("lithium", "lsd", "dangerous", "Nayak 2021"),
    ("lithium", "psilocybin", "dangerous", "Nayak 2021"),
    ("lithium", "2c-b", "dangerous", "Appendix A"),
    ("lithium", "dmt", "dangerous", "Appendix A"),
    ("lithium", "amphetamine", "caution", "m9"),
    // DXM and tramadol.
    ("dxm", "tramadol", "dangerous", "M4"),
    ("dxm", "mdma", "unsafe", "Appendix A"),
    ("dxm", "mephedrone", "unsafe", "M3"),
    ("dxm", "amphetamine", "unsafe", "M3"),
    ("dxm", "methamphetamine", "unsafe", "M3"),
    ("mdma", "tramadol", "unsafe", "Appendix A"),
    // Dissociatives.
    (
        "ketamine",
        "alcohol",
        "unsafe",
        "Appendix A; m8 kept (see the review note)",
    ),
    ("ketamine", "benzodiazepines", "unsafe", "Appendix A"),
    ("ketamine", "heroin", "unsafe", "Appendix A"),
    ("ketamine", "pregabalin", "unsafe", "Appendix A"),
    // HIV boosters.
    (
        "ritonavir-cobicistat",
        "mdma",
        "dangerous",
        "Harrington 1999",
    ),
    (
        "ritonavir-cobicistat",
        "ghb",
        "dangerous",
        "Harrington 1999",
    ),
    (
        "ritonavir-cobicistat",
        "fentanyl",
        "dangerous",
        "M6: fentanyl boxed warning",
    ),
    (
        "ritonavir-cobicistat",
        "oxycodone",
        "dangerous",
        "M6: oxycodone boxed warning",
    ),
    (
        "ritonavir-cobicistat",
        "benzodiazepines",
        "dangerous",
        "M7: midazolam/triazolam contraindicated",
    ),
    ("ritonavir-cobicistat", "ketamine", "unsafe", "m2"),
    (
        "ritonavir-cobicistat",
        "methamphetamine",
        "unsafe",
        "Appendix A",
    ),
    ("ritonavir-cobicistat", "sildenafil", "unsafe", "Appendix A"),
    ("ritonavir-cobicistat", "methadone", "caution", "Appendix A"),
    // Poppers, PDE5 inhibitors, QT.
    (
        "poppers",
        "sildenafil",
        "dangerous",
        "VIAGRA and CIALIS labels; M9",
    ),
    (
        "methadone",
        "loperamide",
        "dangerous",
        "M10: DOLOPHINE QT boxed warning",
    ),
    ("methadone", "cocaine", "unsafe", "M10"),
    // Medicines added for issue #11 point 3 (M11, M12).
    (
        "snris",
        "maois",
        "dangerous",
        "EFFEXOR/CYMBALTA labels: contraindicated",
    ),
    (
        "snris",
        "ssris",
        "unsafe",
        "two serotonergic antidepressants",
    ),
    (
        "snris",
        "tramadol",
        "dangerous",
        "tramadol label: seizures, serotonin syndrome",
    ),
    ("snris", "dxm", "dangerous", "CMAJ 2014; duloxetine CYP2D6"),
    (
        "snris",
        "mdma",
        "unsafe",
        "Hysek 2012: duloxetine raises MDMA levels",
    ),
    ("snris", "linezolid", "dangerous", "FDA 2011 linezolid"),
    (
        "st-johns-wort",
        "ssris",
        "unsafe",
        "NCCIH: serotonin syndrome",
    ),
    ("st-johns-wort", "maois", "dangerous", "serotonergic + MAOI"),
    (
        "st-johns-wort",
        "tramadol",
        "unsafe",
        "NCCIH; tramadol label",
    ),
    (
        "st-johns-wort",
        "ritonavir-cobicistat",
        "dangerous",
        "NORVIR label: contraindicated",
    ),
    (
        "st-johns-wort",
        "methadone",
        "caution",
        "DOLOPHINE label: CYP3A4 inducer",
    ),
    (
        "tricyclics",
        "maois",
        "dangerous",
        "ANAFRANIL label: contraindicated",
    ),
    (
        "tricyclics",
        "tramadol",
        "dangerous",
        "tramadol label: seizures with TCAs",
    ),
    ("tricyclics", "mdma", "unsafe", "clomipramine serotonergic"),
    (
        "tricyclics",
        "ghb",
        "dangerous",
        "Xyrem 2012: sedating antidepressants",
    ),
    ("tricyclics", "alcohol", "unsafe", "amitriptyline label"),
    ("tricyclics", "heroin", "unsafe", "FDA 2016 CNS depressants"),
    (
        "tricyclics",
        "diphenhydramine",
        "unsafe",
        "amitriptyline label: anticholinergics",
    ),
    (
        "tricyclics",
        "ssris",
        "caution",
        "prescribed together; CYP2D6; serotonin",
    ),
    (
        "tricyclics",
        "linezolid",
        "dangerous",
        "ANAFRANIL label: linezolid contraindicated",
    ),
    ("mirtazapine", "maois", "dangerous", "REMERON label"),
    ("mirtazapine", "ghb", "dangerous", "Xyrem 2012"),
    ("mirtazapine", "tramadol", "unsafe", "tramadol label"),
    ("trazodone", "maois", "dangerous", "trazodone label"),
    ("trazodone", "tramadol", "unsafe", "tramadol label"),
    (
        "trazodone",
        "mirtazapine",
        "caution",
        "two sedating antidepressants",
    ),
    (
        "quetiapine",
        "ghb",
        "dangerous",
        "Xyrem 2012: antipsychotics",
    ),
    ("quetiapine", "heroin", "unsafe", "FDA 2016 CNS depressants"),
    ("quetiapine", "alcohol", "unsafe", "SEROQUEL label"),
    (
        "quetiapine",
        "methadone",
        "unsafe",
        "QT: DOLOPHINE, SEROQUEL",
    ),
    (
        "quetiapine",
        "ritonavir-cobicistat",
        "unsafe",
        "SEROQUEL: dose to one sixth",
    ),
    (
        "quetiapine",
        "antipsychotics",
        "caution",
        "two antipsychotics",
    ),
    (
        "antipsychotics",
        "lithium",
        "caution",
        "lithium label: encephalopathy with haloperidol",
    ),
    (
        "antipsychotics",
        "methamphetamine",
        "unsafe",
        "psychosis; heat",
    ),
    (
        "barbiturates",
        "heroin",
        "dangerous",
        "FDA 2016 (barbiturates are CNS depressants)",
    ),
    (
        "barbiturates",
        "methadone",
        "dangerous",
        "FDA 2016; DOLOPHINE inducer",
    ),
    ("barbiturates", "alcohol", "dangerous", "NIAAA"),
    (
        "barbiturates",
        "ghb",
        "dangerous",
        "Xyrem 2012: sedative hypnotics contraindicated",
    ),
    (
        "barbiturates",
        "benzodiazepines",
        "dangerous",
        "two GABAergic depressants",
    ),
    ("barbiturates", "pregabalin", "dangerous", "FDA 2019"),
    (
        "barbiturates",
        "z-drugs",
        "dangerous",
        "depressant + depressant",
    ),
    (
        "barbiturates",
        "ritonavir-cobicistat",
        "dangerous",
        "TYBOST label: contraindicated",
    ),
    (
        "barbiturates",
        "codeine",
        "dangerous",
        "FDA 2016; Pentalgin-type tablets",
    ),
    (
        "paracetamol",
        "alcohol",
        "unsafe",
        "acetaminophen label liver warning",
    ),
    (
        "paracetamol",
        "codeine",
        "caution",
        "FDA 2011 combination products",
    ),
    (
        "paracetamol",
        "tramadol",
        "caution",
        "FDA 2011 combination products",
    ),
    (
        "triptans",
        "maois",
        "dangerous",
        "IMITREX label: contraindicated",
    ),
    ("triptans", "ssris", "caution", "FDA 2006; Orlova 2018"),
    ("triptans", "snris", "caution", "FDA 2006; Orlova 2018"),
    ("triptans", "linezolid", "unsafe", "MAO inhibitor"),
    (
        "bupropion",
        "maois",
        "dangerous",
        "WELLBUTRIN label: contraindicated",
    ),
    (
        "bupropion",
        "linezolid",
        "dangerous",
        "WELLBUTRIN label: contraindicated",
    ),
    ("bupropion", "dxm", "dangerous", "AUVELITY label: CYP2D6"),
    ("bupropion", "tramadol", "unsafe", "seizures (both labels)"),
    ("bupropion", "mdma", "unsafe", "seizures; CYP2D6"),
    (
        "bupropion",
        "alcohol",
        "unsafe",
        "WELLBUTRIN label: seizures",
    ),
    (
        "bupropion",
        "cocaine",
        "unsafe",
        "stimulant + stimulant; seizures",
    ),
    ("linezolid", "ssris", "dangerous", "FDA 2011 linezolid"),
    ("linezolid", "mdma", "dangerous", "MAOI + MDMA"),
    (
        "linezolid",
        "tramadol",
        "dangerous",
        "tramadol label: MAOIs",
    ),
    ("linezolid", "dxm", "dangerous", "DXM Drug Facts: MAOIs"),
    (
        "linezolid",
        "amphetamine",
        "dangerous",
        "amphetamine label: MAOIs",
    ),
    ("linezolid", "maois", "dangerous", "ZYVOX label"),
    (
        "linezolid",
        "caffeine",
        "caution",
        "ZYVOX: adrenergic agents",
    ),
    // Naloxone.
    (
        "naloxone",
        "nitazenes",
        "low_risk_decrease",
        "Amaducci 2023: several doses",
    ),
    (
        "naloxone",
        "xylazine",
        "low_risk_no_synergy",
        "m10 kept: naloxone still given (FDA 2022)",
    ),
];

fn pack() -> Pack {
    Pack::bundled().unwrap_or_else(|errors| panic!("the bundled pack does not load: {errors:#?}"))
}

fn substance<'p>(pack: &'p Pack, slug: &str) -> &'p Substance {
    pack.substance(slug)
        .unwrap_or_else(|| panic!("pinned substance {slug:?} is not in the pack"))
}

fn answer(pack: &Pack, a: &str, b: &str) -> &'static str {
    let chosen = [substance(pack, a), substance(pack, b)];
    let result = check(pack, &chosen);
    assert_eq!(result.len(), 1, "{a} + {b}");
    result[0].category.as_str()
}

#[test]
fn the_checker_answers_every_pinned_pair_as_pinned() {
    let pack = pack();
    let wrong: Vec<String> = PINNED
        .iter()
        .filter_map(|&(a, b, want, why)| {
            let got = answer(&pack, a, b);
            (got != want).then(|| format!("{a} + {b}: {got}, pinned {want} ({why})"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "pinned pairs changed:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_pinned_pairs_are_checked_in_either_order() {
    let pack = pack();
    for &(a, b, want, _) in PINNED {
        assert_eq!(answer(&pack, b, a), want, "{b} + {a}");
    }
}

/// Finding C1: numbers differ by country (103 does not work in Estonia); the configured number
/// comes from `{{emergency_number}}`, helplines from `{{crisis_line}}` and `{{naloxone_contact}}`.
#[test]
fn the_pack_holds_no_literal_emergency_or_helpline_number() {
    const NUMBERS: [&str; 7] = ["112", "103", "911", "999", "113", "116123", "116 123"];
    let pack = pack();
    let mut texts: Vec<(String, &str)> = Vec::new();
    for s in &pack.substances {
        for t in [&s.en, &s.ru] {
            for field in [&t.summary, &t.effects, &t.risks, &t.advice] {
                texts.push((format!("substances/{}", s.slug), field.as_str()));
            }
        }
    }
    for r in pack.class_rules.values().chain(pack.pair_rules.values()) {
        texts.push((format!("rule {} + {}", r.a, r.b), r.en.as_str()));
        texts.push((format!("rule {} + {}", r.a, r.b), r.ru.as_str()));
    }
    for a in &pack.articles {
        texts.push((format!("kb/{}", a.slug), a.body.as_str()));
        texts.push((format!("kb/{}", a.slug), a.summary.as_str()));
    }
    let mut found = Vec::new();
    for (place, text) in &texts {
        // Digit runs (a space inside a run is kept, so "116 123" is one run).
        let mut run = String::new();
        for c in text.chars().chain(std::iter::once('.')) {
            if c.is_ascii_digit()
                || (c == ' ' && run.chars().last().is_some_and(|l| l.is_ascii_digit()))
            {
                run.push(c);
            } else {
                let number = run.trim();
                if NUMBERS.contains(&number) {
                    found.push(format!("{place}: {number}"));
                }
                run.clear();
            }
        }
    }
    assert!(
        found.is_empty(),
        "literal emergency numbers:\n{}",
        found.join("\n")
    );
}

/// Issue #11: a serotonergic pair must never fall through to `unknown` (a class rule for a class
/// with itself answers for two different profiles of the class).
#[test]
fn serotonergic_medicines_never_answer_unknown_with_each_other() {
    const SEROTONERGIC: [&str; 12] = [
        "ssris",
        "snris",
        "st-johns-wort",
        "tricyclics",
        "trazodone",
        "mirtazapine",
        "maois",
        "linezolid",
        "tramadol",
        "dxm",
        "mdma",
        "lithium",
    ];
    let pack = pack();
    let mut unknown = Vec::new();
    for (i, a) in SEROTONERGIC.iter().enumerate() {
        for b in &SEROTONERGIC[i + 1..] {
            if answer(&pack, a, b) == "unknown" {
                unknown.push(format!("{a} + {b}"));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "serotonergic pairs without a rule: {unknown:?}"
    );
}
