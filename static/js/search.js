// The /search/ page of a newsgen site: searches the Pagefind index that the build
// writes to /pagefind/ (under the site's base path), in the browser, with no server.
//
// The form (templates/search.html) names the index's list of shards and the base path in
// data-search-index and data-search-base. Words, section and year are kept in the
// address (?q=…&section=…&year=…), so that a search can be linked and the Back button
// works. Results show the headline, section, date and an excerpt whose found words are
// marked; Pagefind's excerpt is copied as text, keeping only its <mark> elements.

const PAGE_SIZE = 10;
const TYPING_DELAY = 250; // ms after the last key before searching

const form = document.querySelector("form[data-search-index]");
const query = document.getElementById("search-query");
const section = document.getElementById("search-section");
const year = document.getElementById("search-year");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

let loading = null; // the Pagefind module, once loaded
let current = null; // {results, shown} of the search on screen
let generation = 0; // a newer search makes older ones drop their answers
let timer = 0;

function pagefind() {
  loading = loading || load();
  return loading;
}

// The index is in shards, one per year, or per quarter of a large year ("2024-q3")
// (pagefind/shards.json lists them, newest first), each an index of its own, and at
// times a "changes" shard of the pages changed since their shard was made; shards.json
// then lists, as "stale", the Pagefind ids of the old versions (and of removed pages)
// that the other shards still hold. A search asks every shard and merges their
// answers as one index over all the articles would have answered:
// - Pagefind leaves out a word its index does not hold, so with two words or more, a
//   shard that lacks a word another shard holds cannot have a page with every word:
//   its answer is left out;
// - a shard's stale pages are left out: the changes shard has those still published;
// - results go by score, best first; a list sorted by date is the shards' lists one
//   after the other, newest shard first, with the changes shard's pages put into their
//   shard's list by date (each shard's newsgen.json gives its pages' dates).
async function load() {
  const listing = new URL(form.dataset.searchIndex, location.href);
  const answer = await fetch(listing);
  if (!answer.ok) throw new Error(`${listing}: ${answer.status}`);
  const { shards, changes, stale = {} } = await answer.json();
  const options = { baseUrl: form.dataset.searchBase, excerptLength: 30 };
  const names = changes ? [...shards, changes] : shards;
  const parts = await Promise.all(
    names.map(async (name) => {
      const index = await import(new URL(`${name}/pagefind.js`, listing).href);
      await index.options(options);
      await index.init();
      return { name, index, changes: name === changes, stale: new Set(stale[name] || []), details: null };
    }),
  );
  const details = (part) => {
    part.details = part.details || readDetails(new URL(`${part.name}/newsgen.json`, listing));
    return part.details;
  };
  return { search: (words, how) => searchShards(parts, forYear(parts, how), words, how, details) };
}

async function readDetails(address) {
  const answer = await fetch(address);
  if (!answer.ok) throw new Error(`${address}: ${answer.status}`);
  return answer.json();
}

// A year's articles are all in that year's shard, or its quarters' ("2024-q3") when the
// year is large, or the changes shard: a search for a year asks those alone.
function forYear(parts, how) {
  const year = how.filters && how.filters.year && String(how.filters.year);
  const mine = (part) => part.name === year || part.name.startsWith(`${year}-q`);
  return year && parts.some(mine) ? parts.filter((part) => part.changes || mine(part)) : parts;
}

const MAX_CHECKED = 12; // words of a search whose presence in each shard is checked
const held = new Map(); // shard index -> (word -> a promise of whether the shard holds it)

function holds(parts, word) {
  return Promise.all(
    parts.map(({ index }) => {
      if (!held.has(index)) held.set(index, new Map());
      const words = held.get(index);
      if (!words.has(word)) words.set(word, index.search(word).then((found) => found.results.length > 0));
      return words.get(word);
    }),
  );
}

// Asks the ``asked`` shards; whether a word is held counts over ``all`` of them.
async function searchShards(all, asked, words, how, details) {
  const answers = await Promise.all(asked.map((part) => part.index.search(words, how)));
  let usable = answers.map(() => true);
  // Each distinct word is looked up once per shard (and remembered); a pasted paragraph
  // is checked by its first MAX_CHECKED words only.
  const terms = words && !words.includes('"') ? [...new Set(words.split(/\s+/).filter(Boolean))] : [];
  terms.length = Math.min(terms.length, MAX_CHECKED);
  if (terms.length > 1) {
    for (const found of await Promise.all(terms.map((term) => holds(all, term)))) {
      if (found.some(Boolean)) {
        usable = usable.map((ok, number) => ok && found[all.indexOf(asked[number])]);
      }
    }
  }
  const lists = answers.map((one, number) =>
    usable[number] ? one.results.filter((result) => !asked[number].stale.has(result.id)) : [],
  );
  if (how.sort) return { results: await byDate(asked, lists, details) };
  const results = lists.flat();
  results.sort((a, b) => b.score - a.score); // stable: ties keep shard order
  return { results };
}

// The shards' lists (each newest first) one after the other, the changes shard's
// results merged by date into the list of the shard each belongs to.
async function byDate(asked, lists, details) {
  const at = asked.findIndex((part) => part.changes);
  if (at < 0 || !lists[at].length) return lists.flat();
  const changed = await details(asked[at]);
  const extra = new Map(); // shard name -> the changes shard's results of that shard
  for (const result of lists[at]) {
    const shard = changed.shards[result.id];
    if (!extra.has(shard)) extra.set(shard, []);
    extra.get(shard).push(result);
  }
  const merged = [];
  for (const [number, part] of asked.entries()) {
    if (number === at) continue;
    const mine = extra.get(part.name);
    extra.delete(part.name);
    if (!mine) {
      merged.push(...lists[number]);
      continue;
    }
    const dates = (await details(part)).dates;
    merged.push(...newestFirst(lists[number], (result) => dates[result.id], mine, (result) => changed.dates[result.id]));
  }
  for (const rest of extra.values()) merged.push(...rest);
  return merged;
}

// Merges two lists sorted newest first; ``dateA``/``dateB`` give a result's ISO date
// (none: after every dated one). On equal dates the first list's result goes first.
function newestFirst(listA, dateA, listB, dateB) {
  const time = (date) => (date ? Date.parse(date) : -Infinity);
  const merged = [];
  let a = 0;
  let b = 0;
  while (a < listA.length && b < listB.length) {
    if (time(dateB(listB[b])) > time(dateA(listA[a]))) merged.push(listB[b++]);
    else merged.push(listA[a++]);
  }
  return merged.concat(listA.slice(a), listB.slice(b));
}

// The search this page runs, for scripts and tests: (words, {filters, sort}) -> {results}.
window.newsgenSearch = async (words, how = {}) => (await pagefind()).search(words, how);

function chosenFilters() {
  const filters = {};
  if (section.value) filters.section = section.value;
  if (year.value) filters.year = year.value;
  return filters;
}

function remember() {
  const params = new URLSearchParams();
  for (const [name, field] of [["q", query], ["section", section], ["year", year]]) {
    if (field.value.trim()) params.set(name, field.value.trim());
  }
  const address = params.toString() ? `?${params}` : location.pathname;
  history.replaceState(null, "", address);
}

function restore() {
  const params = new URLSearchParams(location.search);
  query.value = params.get("q") || "";
  for (const [name, field] of [["section", section], ["year", year]]) {
    const wanted = params.get(name) || "";
    field.value = [...field.options].some((option) => option.value === wanted) ? wanted : "";
  }
}

async function run() {
  const mine = ++generation;
  const words = query.value.trim();
  const filters = chosenFilters();
  remember();
  if (!words && !Object.keys(filters).length) {
    show(mine, null, "");
    return;
  }
  statusLine.textContent = "Searching…";
  try {
    const index = await pagefind();
    // No words: every article of the chosen section or year, newest first.
    const options = words ? { filters } : { filters, sort: { date: "desc" } };
    const search = await index.search(words || null, options);
    show(mine, search, words);
  } catch (error) {
    if (mine === generation) {
      statusLine.textContent = "Search is not available: its index could not be loaded.";
      console.error(error);
    }
  }
}

async function show(mine, search, words) {
  if (mine !== generation) return;
  list.replaceChildren();
  more.hidden = true;
  current = search ? { results: search.results, shown: 0 } : null;
  if (!search) {
    statusLine.textContent = "";
    return;
  }
  const count = search.results.length;
  const found = `${count} ${count === 1 ? "article" : "articles"}`;
  statusLine.textContent = count
    ? words
      ? `${found} found for “${words}”.`
      : `${found}.`
    : words
      ? `No articles found for “${words}”.`
      : "No articles.";
  await showMore(mine);
}

async function showMore(mine) {
  if (!current) return;
  const next = current.results.slice(current.shown, current.shown + PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (mine !== generation) return;
  for (const item of data) list.append(resultItem(item));
  current.shown += next.length;
  more.hidden = current.shown >= current.results.length;
}

function resultItem(data) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "card-headline";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = meta.title || data.url;
  heading.append(link);
  const line = document.createElement("p");
  line.className = "card-meta";
  const sections = (data.filters && data.filters.section) || [];
  if (sections.length) {
    const name = document.createElement("span");
    name.className = "card-section";
    name.textContent = sections[0];
    line.append(name, " ");
  }
  if (meta.date) {
    const date = document.createElement("span");
    date.className = "search-date";
    date.textContent = meta.date;
    line.append(date);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(...markedText(data.excerpt || ""));
  item.append(heading, line, excerpt);
  return item;
}

// Pagefind's excerpt is HTML with <mark> around the found words: keep the marks,
// turn everything else into plain text.
function markedText(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(run, TYPING_DELAY);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run();
});
query.addEventListener("input", soon);
section.addEventListener("change", run);
year.addEventListener("change", run);
more.querySelector("button").addEventListener("click", () => showMore(generation));

restore();
run();
query.addEventListener("focus", () => pagefind().catch(() => {}), { once: true });
