// newsgen's own search index, read in the browser (src/newsgen/search/shard.py writes it).
//
// openIndex(address of shards.json) loads the list of shards and each shard's meta.json,
// and returns {search(words, {filters, sort})}. A search asks each shard for the pages
// holding every word (a word no page holds is left out, as Pagefind leaves it out),
// and ranks them by BM25 over all the shards' live pages, as one index over those pages
// would: a page a shard still holds but that has changed since ("stale": shards.json
// names them by shard) counts for nothing, not even in the word counts.

const K1 = 1.2;
const B = 0.75;
const WORD = /[\p{L}\p{N}]+/gu;
const encoder = new TextEncoder();

export function fold(word) {
  const lower = word.toLowerCase();
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize("NFKD").replace(/\p{M}/gu, "");
}

export function splitWords(text) {
  return (text.match(WORD) || []).map(fold);
}

// 32-bit FNV-1a of the UTF-8 bytes, as words.py bucket_of() computes it.
export function bucketOf(key, count) {
  let value = 0x811c9dc5;
  for (const byte of encoder.encode(key)) value = Math.imul(value ^ byte, 0x01000193) >>> 0;
  return value % count;
}

async function getJson(address) {
  const answer = await fetch(address);
  if (!answer.ok) throw new Error(`${address}: ${answer.status}`);
  return answer.json();
}

// ``base`` is the site's base path ("/" or "/news/"), which the pages' URLs in the index
// leave out.
export async function openIndex(listingAddress, base = "/") {
  const listing = new URL(listingAddress, location.href);
  const root = base.endsWith("/") ? base : `${base}/`;
  const { shards, changes, stale = {} } = await getJson(listing);
  const names = changes ? [...shards, changes] : shards;
  const parts = await Promise.all(
    names.map(async (name, order) => {
      const base = new URL(`${name}/`, listing);
      const meta = await getJson(new URL("meta.json", base));
      const hidden = new Set((stale[name] || []).map(Number));
      return { name, order, base, root, meta, stale: hidden, files: new Map() };
    }),
  );
  let live = 0;
  let length = 0;
  for (const part of parts) {
    part.meta.lengths.forEach((words, number) => {
      if (!part.stale.has(number)) {
        live += 1;
        length += words;
      }
    });
  }
  const totals = { pages: live, average: length / Math.max(1, live) };
  return { search: (words, how = {}) => search(parts, totals, words, how) };
}

function file(part, path) {
  if (!part.files.has(path)) part.files.set(path, getJson(new URL(path, part.base)));
  return part.files.get(path);
}

// The pages of ``part`` holding ``word`` (folded): Map of page number -> count.
async function pagesWith(part, word) {
  const forms = await file(part, `forms/${bucketOf(word, part.meta.forms)}.json`);
  const stem = forms[word] || word;
  const words = await file(part, `words/${bucketOf(stem, part.meta.words)}.json`);
  const found = new Map();
  found.stem = stem;
  const entry = words[stem];
  if (!entry) return found;
  const [gaps, counts] = entry;
  let number = 0;
  for (let at = 0; at < gaps.length; at += 1) {
    number += gaps[at];
    if (!part.stale.has(number)) found.set(number, counts[at]);
  }
  return found;
}

function filtered(part, filters) {
  let numbers = null;
  for (const [name, value] of Object.entries(filters || {})) {
    if (!value) continue;
    const chosen = new Set((part.meta.filters[name] || {})[value] || []);
    numbers = numbers ? new Set([...numbers].filter((n) => chosen.has(n))) : chosen;
  }
  return numbers;
}

const MOST_WORDS = 12; // of a search: a pasted paragraph is searched by its first words

async function search(parts, totals, words, how) {
  const terms = [...new Set(splitWords(words || ""))].slice(0, MOST_WORDS);
  const perPart = await Promise.all(
    parts.map((part) => Promise.all(terms.map((term) => pagesWith(part, term)))),
  );
  const counts = terms.map((_, t) => perPart.reduce((sum, found) => sum + found[t].size, 0));
  const held = terms.map((_, t) => t).filter((t) => counts[t] > 0);
  const stems = [...new Set(held.flatMap((t) => perPart.map((found) => found[t].stem)))];
  if (terms.length && !held.length) return { results: [], stems };
  const weights = held.map((t) => Math.log(1 + (totals.pages - counts[t] + 0.5) / (counts[t] + 0.5)));
  const results = [];
  parts.forEach((part, p) => {
    const allowed = filtered(part, how.filters);
    const lists = held.map((t) => perPart[p][t]);
    let numbers;
    if (lists.length) {
      const [first, ...rest] = [...lists].sort((a, b) => a.size - b.size);
      numbers = [...first.keys()].filter((n) => rest.every((list) => list.has(n)));
    } else {
      numbers = [...part.meta.lengths.keys()].filter((n) => !part.stale.has(n));
    }
    for (const number of numbers) {
      if (allowed && !allowed.has(number)) continue;
      const norm = K1 * (1 - B + (B * part.meta.lengths[number]) / totals.average);
      let score = 0;
      lists.forEach((list, i) => {
        const count = list.get(number);
        score += (weights[i] * count * (K1 + 1)) / (count + norm);
      });
      results.push(result(part, number, score, stems));
    }
  });
  if (how.sort) results.sort(byDate);
  else results.sort((a, b) => b.score - a.score || a.part.order - b.part.order || a.number - b.number);
  return { results, stems };
}

function result(part, number, score, stems) {
  return {
    id: `${part.name}:${number}`,
    part,
    number,
    score,
    date: part.meta.dates[number],
    data: async () => {
      const rows = await file(part, `records/${Math.floor(number / part.meta.records)}.json`);
      const row = rows[number % part.meta.records];
      const url = part.root + row.url.replace(/^\//, "");
      let excerpt = row.excerpt;
      if (stems.length && !holdsStem(excerpt, stems)) excerpt = (await pageExcerpt(url, stems)) || excerpt;
      return { url, meta: { ...row.meta, title: row.title }, filters: row.filters, excerpt };
    },
  };
}

function byDate(a, b) {
  const time = (date) => (date ? Date.parse(date) : -Infinity);
  return time(b.date) - time(a.date) || a.part.order - b.part.order || a.number - b.number;
}

// True when a word of ``text`` starts with one of ``stems`` (how the search page tells
// a word searched for: Snowball's stems begin the words they stem, but for a few).
export function holdsStem(text, stems) {
  return splitWords(text).some((word) => stems.some((stem) => word.startsWith(stem)));
}

const EXCERPT_WORDS = 30;

// About EXCERPT_WORDS words of the page at ``url`` around the first word found, from
// what it marks for searching; null when it cannot be read.
async function pageExcerpt(url, stems) {
  let text;
  try {
    const answer = await fetch(url);
    if (!answer.ok) return null;
    text = searchedText(new DOMParser().parseFromString(await answer.text(), "text/html"));
  } catch (error) {
    return null;
  }
  const words = text.split(/\s+/).filter(Boolean);
  const at = words.findIndex((word) => holdsStem(word, stems));
  if (at < 0) return null;
  const start = Math.max(0, at - Math.floor(EXCERPT_WORDS / 3));
  const shown = words.slice(start, start + EXCERPT_WORDS).join(" ");
  return `${start > 0 ? "…" : ""}${shown}${start + EXCERPT_WORDS < words.length ? "…" : ""}`;
}

function searchedText(page) {
  const parts = [];
  for (const body of page.querySelectorAll("[data-pagefind-body]")) {
    const walker = page.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("[data-pagefind-ignore], script, style, template")) parts.push(node.data);
    }
  }
  return parts.join(" ");
}
