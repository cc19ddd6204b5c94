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

// The index is in shards, one per year (pagefind/shards.json lists them, newest first),
// each an index of its own. A search asks every shard and merges their answers as one
// index over all the articles would have answered:
// - Pagefind leaves out a word its index does not hold, so with two words or more, a
//   shard that lacks a word another shard holds cannot have a page with every word:
//   its answer is left out;
// - results go by score, best first; a list sorted by date is the shards' lists one
//   after the other, newest shard first.
async function load() {
  const listing = new URL(form.dataset.searchIndex, location.href);
  const answer = await fetch(listing);
  if (!answer.ok) throw new Error(`${listing}: ${answer.status}`);
  const { shards } = await answer.json();
  const options = { baseUrl: form.dataset.searchBase, excerptLength: 30 };
  const indexes = await Promise.all(
    shards.map(async (shard) => {
      const index = await import(new URL(`${shard}/pagefind.js`, listing).href);
      await index.options(options);
      await index.init();
      return index;
    }),
  );
  const byYear = new Map(shards.map((shard, number) => [shard, indexes[number]]));
  return { search: (words, how) => searchShards(indexes, forYear(indexes, byYear, how), words, how) };
}

// A year's articles are all in that year's shard: a search for a year asks it alone.
function forYear(indexes, byYear, how) {
  const year = how.filters && how.filters.year;
  return year && byYear.has(String(year)) ? [byYear.get(String(year))] : indexes;
}

const MAX_CHECKED = 12; // words of a search whose presence in each shard is checked
const held = new Map(); // shard index -> (word -> a promise of whether the shard holds it)

function holds(indexes, word) {
  return Promise.all(
    indexes.map((index) => {
      if (!held.has(index)) held.set(index, new Map());
      const words = held.get(index);
      if (!words.has(word)) words.set(word, index.search(word).then((found) => found.results.length > 0));
      return words.get(word);
    }),
  );
}

// Asks the ``asked`` shards; whether a word is held counts over ``all`` of them.
async function searchShards(all, asked, words, how) {
  const answers = await Promise.all(asked.map((index) => index.search(words, how)));
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
  const results = answers.filter((_, number) => usable[number]).flatMap((one) => one.results);
  if (!how.sort) results.sort((a, b) => b.score - a.score); // stable: ties keep shard order
  return { results };
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
