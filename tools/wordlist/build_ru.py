#!/usr/bin/env python3
"""Build (and check) the Russian codename word list, crates/crypto/wordlists/ru.txt.

Words come from the Debian package hunspell-ru (the ru_RU spelling dictionary by
Alexander I. Lebedev, BSD-style licence). The dictionary has no frequencies and
no part-of-speech tags a script can trust, so two freely licensed PyPI packages
are used *only to choose* which hunspell words to keep:

  * pymorphy3 + pymorphy3-dicts-ru (MIT code, OpenCorpora data CC BY-SA 3.0):
    keep words whose most likely analysis is a common noun in the nominative
    singular, and drop names, abbreviations, archaic, slang, obscene words, ...
  * wordfreq (Apache-2.0 code, data CC BY-SA 4.0): rank by frequency, keep the
    most common.

Then: length 4..8, only а-я (ё normalised to е), no doubled letters (hard to
spell), no ъ, a hand-made stop list (sensitive or awkward words, see STOP),
confusable pairs thinned out, and the set made prefix-free. The most frequent
TARGET words are written, sorted. See crates/crypto/wordlists/ru-SOURCE.md.

Usage (from anywhere):
    apt-get install hunspell-ru
    python3 -m venv /tmp/wlvenv
    /tmp/wlvenv/bin/pip install pymorphy3==2.0.6 \
        pymorphy3-dicts-ru==2.4.417150.4580142 wordfreq==3.1.1
    /tmp/wlvenv/bin/python tools/wordlist/build_ru.py            # build + check
    python3 tools/wordlist/build_ru.py --check                   # check only
    /tmp/wlvenv/bin/python tools/wordlist/build_ru.py --review FILE
        # also write every ranked candidate (with its fate) to FILE
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "crypto" / "wordlists" / "ru.txt"
DIC = Path("/usr/share/hunspell/ru_RU.dic")

# The inputs this list was built from; a different version may give a
# different list (the script says so, but still builds).
SOURCE_PKG = "hunspell-ru"
SOURCE_VERSION = "1:7.5.0-1"
DIC_SHA256 = None  # filled in below, checked when set
EXPECTED_PY = {
    "pymorphy3": "2.0.6",
    "pymorphy3-dicts-ru": "2.4.417150.4580142",
    "wordfreq": "3.1.1",
}

TARGET = 4096  # 2**12: 7 words = 84 bits
MIN_COUNT = 2800  # 7 * log2(2800) > 80 bits
MIN_LEN, MAX_LEN = 4, 8
WORDS_PER_CODENAME = 7
UTILITY_BASE = 2.5  # see prefix_free()

# pymorphy3 (OpenCorpora) grammemes that disqualify an analysis.
BAD_GRAMMEMES = {
    "Name", "Surn", "Patr", "Geox", "Orgn", "Trad",  # proper names, brands
    "Abbr", "Init",  # abbreviations, initials
    "Arch", "Dist", "Erro", "Litr",  # archaic, distorted, misspelt, literary
    "Infr", "Slng", "Obsc",  # informal, slang, obscene
    "Fixd",  # indeclinable (mostly loanwords: кофе, пальто, ...)
    "Pltm",  # plural-only
}

# Letters people mix up when reading, copying or recalling a word; a pair of
# words that differ only by one such substitution keeps just its more frequent
# word. Vowels that sound alike unstressed, look-alikes, and voiced/voiceless
# consonants where they sound the same (at the end of a word or before another
# consonant: плод/плот, луг/лук).
CONFUSABLE_ANYWHERE = [("е", "э"), ("и", "й"), ("ш", "щ"), ("ь", "ъ"),
                       ("а", "о"), ("е", "и"), ("я", "е")]
CONFUSABLE_DEVOICED = [("б", "п"), ("в", "ф"), ("г", "к"), ("д", "т"),
                       ("ж", "ш"), ("з", "с")]
VOWELS = set("аеиоуыэюяё")

# Words removed by hand after reading the candidates, by reason. A word here is
# never taken, whatever its frequency.
STOP = {
    # homographs of common non-nouns, adjectives used as nouns, names, brands, abbreviations, archaic, bureaucratic, jargon or rare words
    "function": """
    алтын альфа амелия анархия архангел атеизм атеист аудит аэрофлот бабка
    бардак барин батист батя бель биение богослов боярин братан бука бурбон
    быль бытие бытность варяг вебер вече взрослый взятие вика викарий виконт
    винтер виола витязь владыка внесение водяной волга волость вона вранье
    вывоз выговор выдача вылов выходец вычет гага генштаб гетман главка
    главком глория головка горсовет господин госпожа государь гран графство
    губерния гуманизм дань дева денек диаспора домовой драйв древо думка
    дьякон епархия ефрейтор железняк жрец загон залом зампред заслон зенит
    златоуст золушка игумен идеолог имам индивид исполком иуда кадет казус
    каин кайзер камуфляж капрал карбон каста католик кейс керн кибер киса
    китайско кларк клич коляда компакт криминал лакей лама левиафан линк
    линкольн литургия лишение ложа люкс ляпис малый маркиз марксизм мартен
    матушка мегафон меджлис медик медпункт мерседес мертвый мета милорд
    минимум миро мистер мичман моск москвич муромец муфтий наличие напрокат
    наст национал нуль ньютон обер обком обоз ордер освоение особа особь
    отвод откуп отрада отстой ощупь пайка палас пастырь перед перл пиар пинг
    писание пленум подворье подстава поем полжизни политрук полпред полсотни
    попович пора поручик постпред прайс префект привет приветик прима примеч
    приморье пров псалом пьяный рабочий рада рань распятие рать реал регент
    редуктор резник рейх рецидив роспуск ротмистр рядовой сбербанк святость
    святыня сейм селение сеньор сидение синдикат синод синь сказ слив
    слобода слушание смотр снятие совр совхоз созыв сословие сотник спец
    спикер спин станица старина старка старший стерлинг сударь сужение твин
    тендер техн тойота толь третьяк убор удел уезд улан уловка унисон унтер
    упокой управа уроженец уроженка ученый фига фигурант фиксация фифа фишка
    флер форд форс форсаж франк френч фурор хата хаус хлам худо худож цезарь
    целитель ценз централ часовой черед честер чета чтиво швец штабс штучка
    эконом экскурс экстра эрмитаж эсер эшелон юнкер
    """,
    # politics, state, ideology
    "politics": """
    агитация активист альянс атаман бунт власть воевода вождь гвардия генсек
    гимн граница дворянин делегат демократ депутат держава дефолт диктатор
    дипломат доктрина дума единение единство заговор закон империя казна
    канцлер коалиция колхоз комитет консул кремль либерал лозунг мавзолей
    майдан мандат манифест министр монарх монархия мэрия мятеж нарком народ
    нация олигарх пакт партия патриот петиция пикет подполье политик
    политика помещик посол премьер призыв профсоюз радикал расизм раскол
    распад режим реформа родина свобода сенат сенатор советник союз тиран
    товарищ указ фараон фашизм фракция фюрер хартия хунта цензура чиновник
    шейх штаб элита эмир явка
    """,
    # nationalities and ethnic groups
    "ethnic": """
    араб армянин белорус бразилец британец бурят грек еврей еврейка ирландец
    ислам испанец казак казах канадец китаец китаянка москаль негр немец
    немка осетин поляк румын сибиряк скиф татарин узбек украинец украинка
    француз фриц хорват цыганка швед японец японка
    """,
    # military, weapons, fighting
    "military": """
    агент адмирал армия атака батальон битва боевик боец бомба бригада броня
    взвод взрыв винтовка воин война высадка выстрел гарнизон генерал десант
    дивизия дружина залп затвор калибр капитан кинжал клинок командир
    командор комбат копье крейсер курок майор маневр маршал мина наемник
    налет натиск нож оборона операция оплот орда орудие оружие офицер патрон
    патруль перехват пехота плацдарм погоня подлодка поединок полигон порох
    пулемет пуля пушка разведка разгром ракета резня рейд рота сержант
    снайпер снаряд солдат спецназ сражение старшина ствол стрельба схватка
    танк таран топор удар фланг флот фрегат фронт штурм эсминец
    """,
    # crime, police, law courts, prison, violence
    "crime": """
    адвокат амнистия афера банда бандит банкрот беглец бойня бомж братва
    браток браунинг бритва булава взлом взятка виновник виновный гангстер
    главарь грабеж груз дело детектив дилер долг должник донос дробовик
    жертва жулик заказ закладка заложник запрет засада злодей зона избиение
    изолятор изоляция истец казнь камера капкан кара карабин картель клад
    клевета колония кража крыса курьер лжец ловушка ломбард магазин маньяк
    мафия мент мерзавец месть милиция мразь мститель мясник надзор наезд
    негодяй обман обыск осада ответчик отсрочка охрана очевидец палач
    плагиат побег побоище поджог подкуп подлец полиция приговор продажа
    прокурор пытка пьяница разбой разборка развод расплата ревизор резидент
    решетка саботаж сбыт сделка склад слежка сокрытие статья стычка судья
    сыщик таможня товар торговля травля трибунал труп тюрьма убийца угон
    узник умысел хищение хулиган шайка шансон шантаж шериф шпион штык юрист
    """,
    # death, illness, medicine, injury, the macabre
    "death": """
    аборт авария алхимия анемия артерия астма аутизм бездна бродяга вакцина
    вдова ведьма враг вскрытие гепатит гибель гипс гниль гормон гробница
    демон диабет диарея донор дьявол заклятие запор зараза инвалид инсульт
    инфаркт инфекция капсула карлик кашель кишечник кишка кома конфликт
    кончина кошмар кровь лазарет лекарь мазь матка мемориал мертвец могила
    морг моча мумия мутант мученик насморк нечисть нокдаун ожирение ожог
    окурок опухоль осколок паника паразит паралич педиатр перелом плесень
    пожар покойник понос потоп прах призрак припадок простуда психоз
    радиация рана рвота реквием санитар сгусток симптом синдром синяк сирота
    сифилис скелет склеп склероз скорбь слизь смертник смерть смерч ступор
    суицид сыпь тварь тошнота травма трагедия траур угроза укус утрата
    фельдшер чародей чудовище чума шлак эпидемия язва
    """,
    # religion, the occult
    "religion": """
    алтарь амулет ангел апостол аура батюшка библия богиня божество вампир
    вера господь грех душа епископ ересь завет зелье идол икона исповедь
    кардинал карма ковчег колдун колдунья крещение культ мистик мистика
    молебен молитва монах монахиня обитель орден пастор пасха патриарх
    покаяние покров притча пророк религия ритуал сатана секта служение собор
    таинство троица царствие церковь черт шаман
    """,
    # sexual or intimate
    "sex": """
    бабник белье бордель влечение гарем грудь девка жеребец измена киска
    кобыла лифчик любовник мания оргазм педофил пенис петушок полнота похоть
    прелюдия пупсик рабыня самец самка секс смазка соблазн сперма стояк
    стриптиз сучка телка флирт член шлюха эскорт
    """,
    # drugs, drug slang, alcohol, tobacco, gambling, pharmacy
    "drugs": """
    азарт алкоголь аптека аспирин болезнь больница водка врач выигрыш героин
    глюк гриб диагноз доза доктор допинг дорожка желудок игла инсулин кайф
    кислота клиника кока кокаин кокс колесо коньяк кофеин крокодил курение
    ликер лирика ломка лотерея медицина наркоз наркоман настой отвар
    очищение пациент печень пила покер порошок препарат приход проба
    психиатр пыльца рецепт самогон сигарета сироп скорость смесь смола
    снежок срыв ставка стекло сульфат таблетка терапевт терапия точка трава
    травка укол химия хирург хирургия шарик шишка шприц эйфория экстаз
    """,
    # insults, slurs, vulgar or crude words
    "insult": """
    баба башка бедняк безумец болван варвар глупец говно дебил дерьмо дрянь
    дура дурак дурачок дурочка дятел жопа задница зануда идиот идиотка козел
    кретин лентяй мерзость морда обезьяна осел пацан петух подонок придурок
    псих рожа рыло садист сброд свинья сволочь скотина слабак стерва сука
    толстяк трус тряпка тупица ублюдок урод хрен чувак шакал
    """,
    # distressing or unpleasant feelings and situations
    "negative": """
    абсурд алчность беда бедность безумие боязнь брань бред вздор вонь
    вражда голод гордыня горечь грязь дикость досада дыра жадность жалоба
    жуть злоба злость истерика крах кризис лесть ложь месиво мрак неохота
    неправда неудача нищета нонсенс нужда обида облом отчаяние паранойя
    пекло печаль плач подлость позор потеря пошлость провал проигрыш пустота
    развал разруха разрыв рознь ругань сарказм скандал скука стон страх стыд
    тоска тревога трусость тупость тьма ужас унижение хамство цинизм эгоизм
    эгоист ярость
    """,
}


def stop_words() -> set[str]:
    words: set[str] = set()
    for reason, text in STOP.items():
        for w in text.split():
            words.add(w.replace("ё", "е"))
    return words


def load_hunspell() -> dict[str, set[str]]:
    """Lower-case stems of ru_RU.dic, keyed by their ё->е normal form."""
    data = DIC.read_bytes()
    if DIC_SHA256 and hashlib.sha256(data).hexdigest() != DIC_SHA256:
        print(f"warning: {DIC} differs from the one the list was built from",
              file=sys.stderr)
    words: dict[str, set[str]] = {}
    for line in data.decode("utf-8").splitlines()[1:]:
        stem = line.split("/", 1)[0].strip()
        if re.fullmatch("[а-яё]+", stem):  # capitalised = proper name: skip
            words.setdefault(stem.replace("ё", "е"), set()).add(stem)
    return words


def check_versions() -> None:
    from importlib.metadata import version

    for pkg, want in EXPECTED_PY.items():
        have = version(pkg)
        if have != want:
            print(f"warning: {pkg} {have} installed, list built with {want}",
                  file=sys.stderr)


def candidates(review: list | None = None) -> list[tuple[float, str]]:
    """Common nouns from hunspell-ru, most frequent first: (zipf, word)."""
    import pymorphy3
    import wordfreq

    morph = pymorphy3.MorphAnalyzer()
    stop = stop_words()
    out = []
    for norm, forms in load_hunspell().items():
        if not MIN_LEN <= len(norm) <= MAX_LEN:
            continue
        ok = False
        for form in sorted(forms):
            p = morph.parse(form)[0]  # the most likely analysis only
            tag = p.tag
            if (tag.POS == "NOUN" and "nomn" in tag and "sing" in tag
                    and p.normal_form.replace("ё", "е") == norm
                    and not BAD_GRAMMEMES & set(tag.grammemes)):
                ok = True
        if not ok:
            continue
        # wordfreq keeps е and ё spellings apart: add them up.
        freq = sum(wordfreq.word_frequency(f, "ru") for f in forms | {norm})
        zipf = round(math.log10(freq * 1e9), 3) if freq > 0 else 0.0
        fate = None
        if "ъ" in norm:
            fate = "hard-sign"
        elif re.search(r"(.)\1", norm):
            fate = "double-letter"
        elif norm in stop:
            fate = "stop"
        if fate:
            if review is not None:
                review.append((zipf, norm, fate))
            continue
        out.append((zipf, norm))
    out.sort(key=lambda t: (-t[0], t[1]))
    return out


def drop_confusables(ranked: list[tuple[float, str]], review) -> list[tuple[float, str]]:
    """Keep the more frequent word of each pair differing by one confusable letter."""
    anywhere: dict[str, set[str]] = {}
    devoiced: dict[str, set[str]] = {}
    for table, pairs in ((anywhere, CONFUSABLE_ANYWHERE),
                         (devoiced, CONFUSABLE_DEVOICED)):
        for a, b in pairs:
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)

    def variants(w: str):
        for i, ch in enumerate(w):
            alts = set(anywhere.get(ch, ()))
            rest = w[i + 1:].lstrip("ь")  # грудь sounds like груть
            if not rest or rest[0] not in VOWELS:
                alts |= devoiced.get(ch, set())
            for alt in sorted(alts):
                yield w[:i] + alt + w[i + 1:]

    kept: set[str] = set()
    out = []
    for zipf, w in ranked:
        clash = next((v for v in variants(w) if v in kept), None)
        if clash:
            if review is not None:
                review.append((zipf, w, f"confusable-with:{clash}"))
            continue
        kept.add(w)
        out.append((zipf, w))
    return out


def prefix_free(ranked: list[tuple[float, str]]) -> set[str]:
    """Prefix-free subset with the largest total utility.

    A word's utility is its zipf frequency above UTILITY_BASE, so a common
    short word (город) beats a couple of rarer words it prefixes (городок),
    while a rare short word gives way to its common extensions. Words sharing
    a prefix form a tree (a word's parent is its longest proper prefix in the
    set); for each word either it is kept, or the best choice among the words
    it prefixes.
    """
    util = {w: max(z - UTILITY_BASE, 0.05) for z, w in ranked}
    words = sorted(util)
    children: dict[str | None, list[str]] = {}
    stack: list[str] = []  # chain of words each a prefix of the next
    for w in words:  # sorted order: a word's prefixes come before it
        while stack and not w.startswith(stack[-1]):
            stack.pop()
        children.setdefault(stack[-1] if stack else None, []).append(w)
        stack.append(w)

    best: dict[str, tuple[float, list[str]]] = {}
    for w in reversed(words):  # children after parents in sorted order
        kids = children.get(w, [])
        mine = (util[w], [w])
        if kids:
            theirs = (sum(best[k][0] for k in kids),
                      [x for k in kids for x in best[k][1]])
            best[w] = mine if mine[0] >= theirs[0] else theirs
        else:
            best[w] = mine
    return {x for k in children.get(None, []) for x in best[k][1]}


def build(review_path: Path | None) -> list[str]:
    check_versions()
    review: list | None = [] if review_path else None
    ranked = drop_confusables(candidates(review), review)
    # Smallest frequency cut-off whose prefix-free subset reaches TARGET, then
    # the TARGET most frequent of that subset (a subset of a prefix-free set
    # is prefix-free).
    lo, hi = 1, len(ranked)
    if len(prefix_free(ranked)) < TARGET:
        lo = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if len(prefix_free(ranked[:mid])) >= TARGET:
            hi = mid
        else:
            lo = mid + 1
    pool = ranked[:lo]
    chosen = prefix_free(pool)
    by_rank = [w for z, w in pool if w in chosen][:TARGET]
    if review is not None:
        final = set(by_rank)
        for z, w in ranked:
            if w in final:
                fate = "IN"
            elif w in chosen:
                fate = "cut-tail"
            elif any(w.startswith(x) or x.startswith(w) for x in final):
                fate = "prefix-clash"
            else:
                fate = "below-cutoff"
            review.append((z, w, fate))
        review.sort(key=lambda t: (-t[0], t[1]))
        with open(review_path, "w", encoding="utf-8") as f:
            for z, w, fate in review:
                f.write(f"{z:.3f}\t{w}\t{fate}\n")
    return sorted(by_rank)


def check(words: list[str]) -> list[str]:
    """Return a list of problems (empty when the list is fine)."""
    problems = []
    if len(words) < MIN_COUNT:
        problems.append(f"only {len(words)} words, need >= {MIN_COUNT}")
    for w in words:
        if not re.fullmatch("[а-я]+", w):
            problems.append(f"bad characters: {w!r}")
    if len(set(words)) != len(words):
        seen: set[str] = set()
        dups = sorted({w for w in words if w in seen or seen.add(w)})
        problems.append(f"duplicates: {dups[:20]}")
    s = sorted(set(words))
    for a, b in zip(s, s[1:]):  # sorted: a prefix sorts right before its extensions
        if b.startswith(a):
            problems.append(f"prefix: {a} < {b}")
    if words != sorted(words):
        problems.append("not sorted")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check ru.txt")
    ap.add_argument("--review", type=Path, help="write ranked candidates here")
    args = ap.parse_args()
    if not args.check:
        words = build(args.review)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text("".join(w + "\n" for w in words), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    text = OUT.read_text(encoding="utf-8")
    words = text.split("\n")
    if words and words[-1] == "":
        words.pop()
    problems = check(words)
    n = len(words)
    bits = WORDS_PER_CODENAME * math.log2(n) if n else 0.0
    print(f"{n} words, {bits:.2f} bits for {WORDS_PER_CODENAME} words")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    if problems:
        return 1
    print("check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
