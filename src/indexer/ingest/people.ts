/**
 * Conservative person-name extraction from catalogue text.
 *
 * Both heuristics prefer missing a name to inventing one: a wrong name in
 * `people` is indexed and shown as fact, a missing one only costs recall.
 */

const HONORIFICS = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "dr",
  "doctor",
  "professor",
  "prof",
  "rev",
  "reverend",
  "father",
  "sister",
  "brother",
  "sir",
  "dame",
  "lady",
  "lord",
  "count",
  "countess",
  "baron",
  "baroness",
  "captain",
  "capt",
  "major",
  "colonel",
  "col",
  "lieutenant",
  "lt",
  "sergeant",
  "sgt",
  "general",
  "gen",
  "senator",
  "hon",
  "madame",
  "mme",
  "monsieur",
  "mlle",
  "comrade",
  "pastor",
  "rabbi",
  "bishop",
  "archbishop",
]);

// Capitalised words that start or sit in titles but are not given names.
const NOT_GIVEN = new Set([
  "volume",
  "vol",
  "volumes",
  "part",
  "parts",
  "file",
  "files",
  "dossier",
  "annex",
  "attachment",
  "attachments",
  "folio",
  "box",
  "item",
  "items",
  "copy",
  "reference",
  "born",
  "formerly",
  "nee",
  "née",
  "also",
  "known",
  "alias",
  "aliases",
  "aka",
  "and",
  "the",
  "of",
  "for",
  "re",
  "miscellaneous",
  "papers",
  "unknown",
  "photograph",
  "photographs",
  "surveillance",
  "report",
  "reports",
  "personal",
  "see",
  "with",
  "from",
  "to",
  "in",
  "on",
  "at",
  "by",
  "case",
  "subject",
  "index",
  "card",
  "cards",
  "record",
  "records",
  "section",
  "bundle",
  "envelope",
  "page",
  "pages",
  "number",
  "no",
  "dob",
  "deceased",
  "name",
  "names",
  "visit",
  "visa",
  "application",
  "australian",
  "australia",
  "soviet",
  "embassy",
  "union",
  "party",
  "communist",
  "council",
  "society",
  "association",
  "committee",
  "league",
  "club",
  "movement",
  "congress",
  "federation",
  "branch",
  "organisation",
  "organization",
  "department",
  "university",
  "college",
  "school",
  "church",
  "newspaper",
  "magazine",
  "company",
  "ltd",
  "pty",
  "group",
  "conference",
  "peace",
  "trade",
  "trades",
  "labour",
  "labor",
  "youth",
  "women",
  "womens",
  "friends",
  "national",
  "international",
  "new",
  "south",
  "north",
  "east",
  "west",
  "western",
  "eastern",
  "melbourne",
  "canberra",
  "brisbane",
  "perth",
  "hobart",
  "darwin",
  "queensland",
  "tasmania",
  "wales",
  "territory",
  "statement",
  "declaration",
  "statutory",
  "interview",
  "letter",
  "letters",
  "notes",
  "minute",
  "minutes",
  "memo",
  "memorandum",
  "summary",
  "list",
  "extract",
  "extracts",
  "transcript",
  "cutting",
  "cuttings",
  "press",
  "photo",
  "includes",
  "including",
  "contains",
  "containing",
  "concerning",
  "regarding",
  "about",
  "community",
  "communities",
  "organisations",
  "organizations",
  "associations",
  "societies",
  "clubs",
  "unions",
  "telephone",
  "interception",
  "intercept",
  "target",
  "targets",
  "audio",
  "operation",
  "operations",
  "spoiling",
  "greek",
  "italian",
  "yugoslav",
  "croatian",
  "serbian",
  "chinese",
  "russian",
  "ukrainian",
  "polish",
]);

// All-capital tokens that are acronyms, post-nominals or numerals, never surnames.
const NOT_SURNAME = new Set([
  "ASIO",
  "MP",
  "MLA",
  "MLC",
  "MHR",
  "QC",
  "KC",
  "JP",
  "OBE",
  "MBE",
  "CBE",
  "KBE",
  "AO",
  "AC",
  "AM",
  "OAM",
  "ALP",
  "CPA",
  "CPSU",
  "USSR",
  "USA",
  "UK",
  "NSW",
  "VIC",
  "QLD",
  "TAS",
  "WA",
  "SA",
  "NT",
  "ACT",
  "AIF",
  "RAAF",
  "RAN",
  "RAF",
  "CMF",
  "PHD",
  "II",
  "III",
  "IV",
  "VI",
  "JR",
  "SR",
  "NZ",
  "UN",
  "PNG",
  "DFC",
  "MC",
  "MM",
  "DSO",
  "VC",
  "GC",
  "BEM",
  "CIA",
  "FBI",
  "KGB",
  "NKVD",
  "GRU",
  "TASS",
  "ABC",
  "BBC",
  "WWII",
  "WW",
  "RSL",
  "AWU",
  "ACTU",
  "WWF",
  "FOSU",
  "CPUSA",
  "YCL",
  "EYL",
  "ARU",
  "BWIU",
  "FEIA",
  "SUA",
  "ASU",
  "POW",
  "RN",
  "USN",
  "IRA",
  "PLO",
  "OAS",
  "ANZUS",
  "SEATO",
  "USIS",
  "NN",
  "TO",
  "OF",
  "AND",
  "THE",
  "AKA",
  "NEE",
  "DOB",
  "DR",
  "MR",
  "MRS",
  "MS",
  "REF",
  "REFERENCE",
  "COPY",
  "PART",
  "VOL",
  "VOLUME",
  "FILE",
  "ITEM",
  "ATTACHMENT",
  "ANNEX",
  "NB",
  "PTY",
  "LTD",
  "INC",
  "CO",
  "PO",
  "GPO",
  "HMAS",
  "HMS",
  "SS",
  "MV",
  "SEC",
]);

const SUFFIXES = new Set(["JR", "JR.", "SR", "SR.", "II", "III", "IV"]);

/** "WOODWARD" -> "Woodward", "MURRAY-SMITH" -> "Murray-Smith", "O'BRIEN" -> "O'Brien", "MCKAY" -> "McKay". */
export function nameCase(word: string): string {
  return word
    .toLowerCase()
    .replace(/(^|[-'’\s])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    .replace(/\bMc(\p{L})/gu, (_, ch: string) => `Mc${ch.toUpperCase()}`);
}

interface Token {
  /** Token without surrounding quotes and trailing punctuation. */
  core: string;
  /** Trailing punctuation, which ends a name run. */
  trail: string;
}

function tokenize(text: string): Token[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((raw) => {
      const m = /^["'‘“]*(.*?)(["'’”]*[,.;:!?–-]*)$/u.exec(raw)!;
      return { core: m[1]!, trail: m[2]!.replace(/["'’”]/gu, "") };
    });
}

/**
 * Splits a title into its main text and its bracketed asides. Asides hold
 * nicknames, alternative spellings and aliases ("(Nettie)", "[Lubomir]",
 * "(aka Frank JOHNSON)"); taken out, they no longer break up the main name.
 */
function splitAsides(title: string): { main: string; asides: string[] } {
  const asides: string[] = [];
  const main = title
    .replace(/,(?=\S)/g, ", ")
    .replace(/\(([^()]*)\)|\[([^[\]]*)\]/g, (_, a: string | undefined, b: string | undefined) => {
      asides.push((a ?? b ?? "").trim());
      return " ";
    })
    .replace(/\s+([,.;:])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return { main, asides };
}

const isInitial = (core: string): boolean => /^\p{Lu}$/u.test(core);

function isGivenWord(t: Token): boolean {
  return (
    /^(?:Mc|Mac|O'|O’|D'|D’|De|Di|Da|La|Le|Van|Von)?\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*$/u.test(t.core) &&
    !NOT_GIVEN.has(t.core.toLowerCase())
  );
}

/** A surname written in capitals, the convention of personal-file titles. */
function isCapsSurname(t: Token | undefined): boolean {
  if (!t) return false;
  const core = t.core;
  if (!/^(?:Mc|Mac|O'|D'|De|Di|Da|La|Le|Van|Von)?\p{Lu}{2,}(?:[-'’]\p{Lu}+)*$/u.test(core)) return false;
  if (NOT_SURNAME.has(core)) return false;
  // Acronyms rarely have vowels; surnames nearly always do (NG is the common exception).
  return /[AEIOUY]/i.test(core) || core === "NG";
}

interface Run {
  names: string[];
  end: number;
  /** The run's last token carried a comma or full stop, so nothing after it belongs to this name. */
  closed: boolean;
  /** Full given names, as opposed to initials. */
  words: number;
}

/** Given names starting at `i`: honorifics skipped, initials allowed. */
function givenRun(tokens: Token[], i: number): Run | null {
  let j = i;
  while (j < tokens.length && HONORIFICS.has(tokens[j]!.core.toLowerCase()) && !tokens[j]!.trail) j++;
  const names: string[] = [];
  let closed = false;
  let words = 0;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    const initial = isInitial(t.core) && (t.trail === "" || t.trail === ".");
    if (isGivenWord(t)) {
      names.push(t.core);
      words++;
    } else if (initial) {
      names.push(`${t.core}.`);
    } else break;
    if (t.trail && !(initial && t.trail === ".")) {
      closed = true;
      j++;
      break;
    }
    if (names.length >= 5) {
      j++;
      break;
    }
  }
  return names.length > 0 ? { names, end: j, closed, words } : null;
}

/**
 * Given names good enough to pair with a capitalised surname: a full name,
 * or at least two initials ("FOX, L P", "W J THOMAS"). One lone capital
 * letter is too often something else.
 */
const enoughBesideCaps = (run: Run | null): run is Run => run !== null && (run.words > 0 || run.names.length >= 2);

// What may follow a leading run of capitalised words for it to be read as a whole name.
const NAME_END = /^(?:-|–|volume|vol|part|miscellaneous|nee|née|formerly|aka|alias|also|\d.*)$/i;

function namesIn(text: string, found: string[]): void {
  const tokens = tokenize(text);
  const push = (given: string[], surname: string): void => {
    const name = [...given, nameCase(surname)].join(" ");
    if (!found.includes(name)) found.push(name);
  };
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    // SURNAME, Given Names  (a mixed-case surname only at the very start, where catalogues index by surname)
    if (t.trail.startsWith(",")) {
      const run = givenRun(tokens, i + 1);
      const fits = isCapsSurname(t)
        ? enoughBesideCaps(run)
        : i === 0 && isGivenWord(t) && run !== null && run.words > 0;
      if (fits && run && (run.closed || !isCapsSurname(tokens[run.end]))) {
        push(run.names, t.core);
        i = run.end;
        continue;
      }
    }
    // SURNAME Given Names  (surname first without a comma, as in "CONSIDINE Michael MP")
    if (t.trail === "" && isCapsSurname(t) && (i === 0 || /[-–]$/.test(tokens[i - 1]!.trail))) {
      const run = givenRun(tokens, i + 1);
      if (enoughBesideCaps(run) && (run.closed || !isCapsSurname(tokens[run.end]))) {
        push(run.names, t.core);
        i = run.end;
        continue;
      }
    }
    // Given Names SURNAME, unless that SURNAME opens a "SURNAME, Given" of its own
    const run = givenRun(tokens, i);
    const surname = run ? tokens[run.end] : undefined;
    const after = surname?.trail.startsWith(",") ? givenRun(tokens, run!.end + 1) : null;
    const surnameFirst = enoughBesideCaps(after) && (after.closed || !isCapsSurname(tokens[after.end]));
    if (enoughBesideCaps(run) && !run.closed && isCapsSurname(surname) && !surnameFirst) {
      push(run.names, tokens[run.end]!.core);
      i = run.end + 1;
      continue;
    }
    i++;
  }
}

/**
 * Names in a personal-file title, which put the surname in capitals:
 * "Donald Stewart Francis WOODWARD", "CONSIDINE Michael MP",
 * "CAWTHRON, Edward Robert - Volume 3", "Janet Gertrude (Nettie) PALMER and
 * Vance Edward PALMER", plus aliases in brackets ("(aka Frank JOHNSON)").
 * Returned as "Given Surname" in ordinary case. Failing those, a title that
 * opens with two to four capitalised words and then ends or goes on to
 * "Volume", "-", "[…" and the like ("Brian Thomas Manning Volume 2") is read
 * as a name, since the series holds personal files.
 */
export function namesFromPersonalTitle(title: string): string[] {
  const { main, asides } = splitAsides(title);
  const found: string[] = [];
  namesIn(main, found);
  if (found.length === 0) {
    const tokens = tokenize(main);
    const run = givenRun(tokens, 0);
    const next = run ? tokens[run.end] : undefined;
    const lastTrail = run ? tokens[run.end - 1]!.trail : "";
    if (
      run &&
      run.words >= 2 &&
      run.names.length <= 4 &&
      !run.names[run.names.length - 1]!.endsWith(".") &&
      (!run.closed || /^[,.–-]+$/.test(lastTrail)) &&
      (!next || NAME_END.test(next.core || next.trail))
    ) {
      found.push(run.names.join(" "));
    }
  }
  for (const aside of asides) namesIn(aside, found);
  return found;
}

// Words that make a correspondent an office, place or agency rather than a person.
const NOT_PERSON_WORDS = new Set([
  "CHIEF",
  "DIRECTOR",
  "DEPUTY",
  "SAC",
  "COS",
  "LEG",
  "LEGAT",
  "ASSISTANT",
  "ACTING",
  "HEAD",
  "OFFICE",
  "STATION",
  "MEMO",
  "MEMORANDUM",
  "FILE",
  "FILES",
  "RECORD",
  "SECRETARY",
  "ATTORNEY",
  "GENERAL",
  "COUNSEL",
  "COMMITTEE",
  "DIVISION",
  "SECTION",
  "BRANCH",
  "STAFF",
  "DEPARTMENT",
  "DEPT",
  "BUREAU",
  "AGENCY",
  "COMMISSION",
  "AMBASSADOR",
  "EMBASSY",
  "PRESIDENT",
  "SENATOR",
  "CONGRESSMAN",
  "CHAIRMAN",
  "HQ",
  "HQS",
  "HDQS",
  "HEADQUARTERS",
  "CIA",
  "FBI",
  "NSA",
  "DCI",
  "DDP",
  "DDO",
  "WH",
  "WE",
  "EE",
  "SR",
  "CI",
  "USA",
  "US",
  "STATE",
  "STATES",
  "UNITED",
  "CITY",
  "MEXICO",
  "CUBA",
  "HAVANA",
  "MIAMI",
  "DALLAS",
  "TEXAS",
  "FLORIDA",
  "LOUISIANA",
  "ORLEANS",
  "WASHINGTON",
  "YORK",
  "CALIFORNIA",
  "PARIS",
  "LONDON",
  "ROME",
  "MADRID",
  "MOSCOW",
  "CARACAS",
  "GUATEMALA",
  "PANAMA",
  "WITHHELD",
  "RESTRICTED",
  "DELETION",
  "UNKNOWN",
  "NONE",
  "MULTIPLE",
  "ADDRESSEES",
  "ADDEES",
  "THE",
  "FOR",
  "OF",
  "AND",
  "TO",
  "FROM",
  "MFR",
  "JMWAVE",
  "WAVE",
  "TASK",
  "FORCE",
  "SPECIAL",
  "AGENT",
  "CHARGE",
  "SERVICE",
  "SECURITY",
  "INTELLIGENCE",
  "OPERATIONS",
  "PLANS",
  "INSPECTOR",
  "COUNTY",
  "POLICE",
  "SHERIFF",
  "DISTRICT",
  "CABLE",
  "SECRETARIAT",
  "BOOK",
  "MESSAGE",
  "ROUTING",
  "SLIP",
  "SHEET",
  "NOTE",
  "NOTES",
  "COMMANDER",
  "COMMANDING",
  "OFFICER",
  "ADMIRAL",
  "ARMY",
  "NAVY",
  "AIR",
  "FIELD",
  "UNIT",
  "GROUP",
  "CENTER",
  "CENTRE",
  "REPRESENTATIVE",
  "LIAISON",
  "COMMITTEE",
  "PANEL",
  "BOARD",
  "COUNCIL",
  "CONGRESS",
  "HOUSE",
  "SENATE",
  "INFORMANT",
  "SOURCE",
  "SUBJECT",
  "REPORT",
  "ACTIVITIES",
  "ASSOCIATE",
  "ATTACHE",
  "CONSUL",
  "CONSULATE",
  "MINISTER",
  "MINISTRY",
  "GOVERNMENT",
  "GOVT",
  "COURT",
  "JUDGE",
  "CLERK",
  "REGISTRY",
  "CENTRAL",
  "SOVIET",
  "CUBAN",
  "AMERICAN",
  "MEXICAN",
  "NEWS",
  "PRESS",
  "TIMES",
  "POST",
  "JOURNAL",
  "MAGAZINE",
  "INC",
  "CORP",
  "COMPANY",
  "UNIVERSITY",
  "LIBRARY",
  "ARCHIVES",
  "NATIONAL",
  "FEDERAL",
  "SAIGON",
  "VIENNA",
  "BONN",
  "TOKYO",
  "COB",
  "BASE",
  "COLONEL",
  "MAJOR",
  "CAPTAIN",
  "LIEUTENANT",
  "SERGEANT",
  "CORPORAL",
  "PRIVATE",
  "BERLIN",
  "BERN",
  "GENEVA",
  "CARACUS",
  "MASH",
  "JMASH",
  "OTTAWA",
  "BRUSSELS",
  "STOCKHOLM",
  "HELSINKI",
  "COPENHAGEN",
  "ATHENS",
  "ANKARA",
  "TEHRAN",
  "CAIRO",
  "BEIRUT",
  "MANILA",
  "SANTIAGO",
  "LIMA",
  "QUITO",
  "BOGOTA",
  "MONTEVIDEO",
  "LISBON",
  "FRANKFURT",
  "MUNICH",
  "PRAGUE",
  "WARSAW",
  "BUDAPEST",
  "BELGRADE",
  "KINGSTON",
  "NASSAU",
  "MANAGUA",
  "CHICAGO",
]);

const INITIALS = /^(?:\p{Lu}\.){1,3}$/u;

function isPersonWord(word: string): boolean {
  return /^\p{Lu}[\p{L}'’-]{2,}$/u.test(word) && !NOT_PERSON_WORDS.has(word.toUpperCase().replace(/[.'’]/g, ""));
}

/**
 * A person from a JFK sheet's To/From cell, or null. Accepts the forms the
 * sheets use for people: "WIGREN, LEE H., C/SR/CI/R, CIA", "SULLIVAN, W. C.",
 * "FORSYTH, THOMAS G. III", and a given-initial-surname run such as
 * "J. BARRY HARRELSON" or "JOHN F. PEREIRA". Bare surnames ("PAPICH") and
 * "RICHARD HELMS, DDP" are left alone: without an initial or a
 * surname-first comma they look the same as offices and places.
 */
export function personFromCorrespondent(value: string): string | null {
  const text = value.replace(/\s+/g, " ").trim();
  if (!text || /[/[\]()\d&#@:;"]/.test(text.split(",").slice(0, 2).join(","))) return null;
  const parts = text.split(",").map((p) => p.trim());
  const head = parts[0]!;

  // SURNAME, GIVEN [I.] [SUFFIX] [, role…]
  if (parts.length >= 2 && /^[\p{L}'’-]+$/u.test(head) && isPersonWord(head)) {
    const given = parts[1]!.split(" ").filter(Boolean);
    const suffix: string[] = [];
    while (given.length > 1 && SUFFIXES.has(given[given.length - 1]!.toUpperCase())) suffix.unshift(given.pop()!);
    if (parts[2] && SUFFIXES.has(parts[2].toUpperCase()) && parts.length === 3) suffix.push(parts[2]);
    const ok =
      given.length >= 1 && given.length <= 3 && given.every((g) => INITIALS.test(g) || isInitial(g) || isPersonWord(g));
    if (ok) {
      const first = given.map((g) => (INITIALS.test(g) ? g : isInitial(g) ? `${g}.` : nameCase(g)));
      return [
        ...first,
        nameCase(head),
        ...suffix.map((s) => (/^(?:JR|SR)\.?$/i.test(s) ? `${nameCase(s.replace(".", ""))}.` : s.toUpperCase())),
      ].join(" ");
    }
    return null;
  }

  // [DR.] GIVEN I. SURNAME [, JR.]  — an initial (or a doctor's title) marks a person
  if (parts.length === 1 || (parts.length === 2 && SUFFIXES.has(parts[1]!.toUpperCase()))) {
    const words = head.split(" ");
    let title = "";
    if (/^(?:DR|MR|MRS|MS|MISS)\.?$/i.test(words[0] ?? "")) title = words.shift()!;
    if (words.length < 2 || words.length > 4) return null;
    const last = words[words.length - 1]!;
    const hasInitial = words.slice(0, -1).some((w) => INITIALS.test(w));
    const shapeOk = words.slice(0, -1).every((w) => INITIALS.test(w) || isPersonWord(w)) && isPersonWord(last);
    if (shapeOk && (hasInitial || (title && words.length >= 2))) {
      const name = words.map((w) => (INITIALS.test(w) ? w : nameCase(w))).join(" ");
      const suffix = parts[1]
        ? ` ${/^(?:JR|SR)\.?$/i.test(parts[1]) ? `${nameCase(parts[1].replace(".", ""))}.` : parts[1].toUpperCase()}`
        : "";
      return name + suffix;
    }
  }
  return null;
}
