/**
 * Screening a message before it is parsed, the rules tier's PerceiveSkill: normalise (Unicode,
 * quotes, contractions), reject what cannot be a segment request (empty, too long, binary,
 * another language, SQL, instructions to the system, sensitive traits, out of scope), correct
 * typos against the tenant's vocabulary and glossary, and report the glossary terms used.
 */
import type { CatalogLookup } from "../../catalog/lookup.ts";
import type { TenantConfig } from "../../state/catalog.ts";
import { tagDates } from "./dates.ts";
import { glossarySpans } from "./glossary.ts";
import { BUY_VERBS, CANCEL_WORDS, HEAD_NOUNS, LAPSE_WORDS } from "./lexicon.ts";
import { codeTypedAsWord } from "./link.ts";
import type { ScreenResult, SkillContext } from "../types.ts";
import { glossaryWords, SpellingCorrector, type Correction } from "./spelling.ts";
import { normaliseRequest, tokenize } from "./text.ts";

export interface Rejection {
  code:
    | "empty"
    | "too_long"
    | "unreadable"
    | "unsupported_language"
    | "not_understood"
    | "sql"
    | "injection"
    | "sensitive_trait"
    | "out_of_scope"
    | "unknown_tenant";
  message: string;
}

const SQL_PATTERNS = [
  /;\s*(drop|delete|insert|update|alter|truncate|create|grant|revoke|copy)\b/i,
  /\b(drop|truncate|alter)\s+(table|schema|database)\b/i,
  /\bunion\s+(all\s+)?select\b/i,
  /\b(drop|truncate|delete|alter)\b.{0,20}\btables?\b/i,
  /\bselect\b[^.]*\bfrom\b\s+[a-z_]+\s*(where|;|$)/i,
  /'\s*or\s+'?1'?\s*=\s*'?1/i,
  /--\s*$|\/\*|\*\//,
  /\bpg_sleep\b|\binformation_schema\b|\bpg_catalog\b/i,
];

const INJECTION_PATTERNS = [
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(rules?|instructions?|prompts?|guardrails?|restrictions?|polic(y|ies)|above|previous)\b/i,
  /\b(system|developer)\s+prompt\b/i,
  /\byou\s+are\s+now\b|\bact\s+as\b|\bpretend\s+(to\s+be|you)\b|\bjailbreak\b/i,
  /\b(reveal|print|show|dump)\b.{0,30}\b(prompt|instructions|api\s*keys?|password|secrets?|credentials)\b/i,
  /\btenants?\b|\btenant_[a-z_]+/i,
  /\b(disable|bypass|override|lift|switch off|turn off)\b.{0,40}\b(restrictions?|rules?|polic(y|ies)|guardrails?|security|limits?)\b/i,
  /\bi\s+(order|command|instruct)\s+you\b|\bas\s+(the|an|your)\s+(system\s+)?admin(istrator)?\b/i,
];

/**
 * Special-category traits (GDPR art. 9): never a segmentation basis, whatever the catalog
 * holds. Tenant-specific restrictions (e.g. gender) are enforced by validation instead.
 */
const SENSITIVE_PATTERNS = [
  /\b(religion|religious|faith|muslims?|christians?|jews|jewish|hindus?|buddhists?|atheists?)\b/i,
  /\b(ethnicity|ethnic|race|racial|skin colou?r)\b/i,
  /\b(sexual orientation|sexuality|gay|lesbian|bisexual|transgender|lgbtq?\+?)\b/i,
  /\b(disabilit(y|ies)|disabled|health conditions?|medical conditions?|illness|pregnan(t|cy)|diagnos(is|ed))\b/i,
  /\b(political (views?|opinions?|party|affiliation)|trade union|genetic|biometric|criminal (record|convictions?))\b/i,
];

/** A request for a segment names customers, buying, or something in the catalog. */
export function looksLikeSegmentRequest(text: string, retriever: CatalogLookup): boolean {
  const tokens = tokenize(text);
  if (
    tokens.some(
      (t) => HEAD_NOUNS.has(t.lower) || BUY_VERBS.has(t.lower) || CANCEL_WORDS.has(t.lower),
    )
  ) {
    return true;
  }
  // "dormant 6+ months": a lapse word with a duration describes customers.
  const DURATION = /^(days?|weeks?|months?|years?)$/;
  if (tokens.some((t) => LAPSE_WORDS.has(t.lower)) && tokens.some((t) => DURATION.test(t.lower)))
    return true;
  for (let i = 0; i < tokens.length; i++) {
    for (let n = 1; n <= 3 && i + n <= tokens.length; n++) {
      const phrase = text.slice(tokens[i]!.start, tokens[i + n - 1]!.end);
      if (retriever.exactLookup(phrase).some((h) => !codeTypedAsWord(h, phrase))) return true;
    }
  }
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Rewrites tenant glossary terms ("VIPs") to the words of their expansion. Requests keep the
 * user's words (the mapper reads glossary terms itself); a follow-up edit is read this way.
 */
export function expandGlossary(
  text: string,
  glossary: TenantConfig["glossary"],
): { text: string; expanded: string[] } {
  const expanded: string[] = [];
  let out = text;
  const terms = glossary
    .filter((g) => g.expansion)
    .flatMap((g) =>
      [g.term, ...g.aliases].map((t) => ({ t, expansion: g.expansion!, term: g.term })),
    )
    .sort((a, b) => b.t.length - a.t.length);
  for (const { t, expansion, term } of terms) {
    const re = new RegExp(`(?<![\\p{L}\\d-])${escapeRegExp(t)}(?![\\p{L}\\d-])`, "giu");
    if (re.test(out)) {
      out = out.replace(re, expansion);
      expanded.push(term);
    }
  }
  return { text: out, expanded };
}

export function screenRequest(
  raw: string,
  maxChars: number,
  retriever: CatalogLookup,
  speller?: SpellingCorrector,
  glossary: TenantConfig["glossary"] = [],
): { text: string; rejection: Rejection | null; corrections: Correction[]; expanded: string[] } {
  const screened = screen(raw, maxChars);
  if (screened.rejection) return { ...screened, corrections: [], expanded: [] };
  // Typos are fixed before the scope check so "custmers in Germnay" is still understood,
  // but a request most of whose words are unknown is another language, not typos; a word
  // one typo from a known word counts half.
  // The tenant's glossary words are its vocabulary too, and so is every word of a date.
  const vocabulary = glossaryWords(glossary);
  if (speller) {
    const all = tokenize(screened.text).filter((t) => t.kind === "word");
    const score = (t: (typeof all)[number]) =>
      speller.isKnown(t.lower) || vocabulary.has(t.lower)
        ? 1
        : speller.suggest(t.lower, vocabulary) !== undefined
          ? 0.5
          : 0;
    const scores: number[] = all.map(score);
    let known = scores.reduce((n, x) => n + x, 0);
    const total = all.length;
    // Words of a date ("Q1", "Jan-Mar") are known too; looked for only when it matters.
    if (total >= 3 && known < total * 0.5) {
      const dated = tagDates(screened.text, { asOf: "2000-01-01", fiscalYearStartMonth: 1 });
      all.forEach((t, i) => {
        if (scores[i]! < 1 && dated.some((d) => d.start < t.end && t.start < d.end))
          known += 1 - scores[i]!;
      });
    }
    if (total >= 3 && known < total * 0.5) {
      return {
        text: screened.text,
        corrections: [],
        expanded: [],
        rejection: {
          code: "not_understood",
          message:
            "I could not read this as a customer segment request: most of its words are neither English grammar words nor terms of this tenant's catalog (only English requests are supported).",
        },
      };
    }
  }
  const corrected = speller
    ? speller.correct(screened.text, vocabulary)
    : { text: screened.text, corrections: [] };
  // Glossary terms stay the user's words: the mapper reads each as its entry's conditions.
  const text = corrected.text;
  const terms = glossarySpans(text, glossary);
  const expanded = [...new Set(terms.map((g) => g.entry.term))];
  const corrections = corrected.corrections;
  if (terms.length === 0 && !looksLikeSegmentRequest(text, retriever)) {
    return {
      text,
      corrections,
      expanded,
      rejection: {
        code: "out_of_scope",
        message:
          'This does not look like a customer segment request (only English is supported). Try e.g. "UK customers who bought Christmas products in November 2011".',
      },
    };
  }
  return { text, corrections, expanded, rejection: null };
}

/**
 * The checks every message gets, whatever it asks for: empty, too long, unreadable, another
 * language, SQL, sensitive traits, instructions to the system. Exported for follow-up
 * messages (edits, questions about the segment), which skip the segment-request scope check.
 */
export function screen(
  raw: string,
  maxChars: number,
): { text: string; rejection: Rejection | null } {
  if (raw.length > maxChars * 4) {
    return {
      text: "",
      rejection: {
        code: "too_long",
        message: `The request is ${raw.length} characters; the limit is ${maxChars}. Describe the segment in a sentence or two.`,
      },
    };
  }
  const text = normaliseRequest(raw);
  if (!text)
    return {
      text,
      rejection: {
        code: "empty",
        message:
          'The request is empty. Describe the customers you want, e.g. "customers in France who spent over £500".',
      },
    };
  if (text.length > maxChars) {
    return {
      text,
      rejection: {
        code: "too_long",
        message: `The request is ${text.length} characters; the limit is ${maxChars}. Describe the segment in a sentence or two.`,
      },
    };
  }
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z\u00C0-\u024F]/g) ?? []).length;
  // Shorthand is mostly digits and signs ("spent 200-400 in Q2'11"); garbage has no words.
  const wordish = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const visible = text.replace(/\s/g, "").length;
  if (/\uFFFD/.test(text) || letters < 3 || wordish < visible * 0.6) {
    return {
      text,
      rejection: { code: "unreadable", message: "The request does not look like readable text." },
    };
  }
  if (latin < letters * 0.7) {
    return {
      text,
      rejection: {
        code: "unsupported_language",
        message: "Only English requests are supported for this tenant.",
      },
    };
  }
  // The raw text too: normalising turns identifiers ("pg_sleep") into words.
  if (SQL_PATTERNS.some((p) => p.test(text) || p.test(raw))) {
    return {
      text,
      rejection: {
        code: "sql",
        message:
          "The request contains SQL. Describe the customers in words; segments are compiled to SQL by the system.",
      },
    };
  }
  if (SENSITIVE_PATTERNS.some((p) => p.test(text))) {
    return {
      text,
      rejection: {
        code: "sensitive_trait",
        message:
          "Segmenting customers by sensitive traits (religion, ethnicity, health, sexuality, political views and the like) is not allowed.",
      },
    };
  }
  if (INJECTION_PATTERNS.some((p) => p.test(text))) {
    return {
      text,
      rejection: {
        code: "injection",
        message:
          "The request contains instructions to the system, which are not accepted. Describe the customers you want.",
      },
    };
  }
  return { text, rejection: null };
}

/** One speller per tenant catalog, over its vocabulary and the texts of its text facets. */
const spellers = new WeakMap<object, SpellingCorrector>();

function spellerFor(ctx: SkillContext): SpellingCorrector {
  let speller = spellers.get(ctx.catalog);
  if (!speller) {
    const texts = ctx.catalog.facets
      .filter((f) => f.type === "text")
      .flatMap((f) => ctx.retriever.texts(f.id));
    speller = new SpellingCorrector(ctx.catalog, texts);
    spellers.set(ctx.catalog, speller);
  }
  return speller;
}

/** The rules tier's perceive skill: screening with the tenant's speller and glossary. */
export async function screenSkill(
  raw: string,
  ctx: SkillContext & { maxChars: number },
): Promise<ScreenResult> {
  const r = screenRequest(raw, ctx.maxChars, ctx.retriever, spellerFor(ctx), ctx.tenant.glossary);
  return { text: r.text, rejection: r.rejection, corrections: r.corrections, glossary: r.expanded };
}
