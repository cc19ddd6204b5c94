// The /search/ page of a newsgen site: searches the index that the build writes to
// /pagefind/ (under the site's base path), in the browser, with no server
// (search-engine.js reads it).
//
// The form (templates/search.html) names the index's list of shards and the base path in
// data-search-index and data-search-base. Words, section and year are kept in the
// address (?q=…&section=…&year=…), so that a search can be linked and the Back button
// works. Results show the headline, section, date and the article's standfirst, with
// the words searched for marked.

import { holdsStem, openIndex } from "./search-engine.js";

const PAGE_SIZE = 10;
const TYPING_DELAY = 250; // ms after the last key before searching

const form = document.querySelector("form[data-search-index]");
const query = document.getElementById("search-query");
const section = document.getElementById("search-section");
const year = document.getElementById("search-year");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

let loading = null; // the index, once loaded
let current = null; // {results, shown, words} of the search on screen
let generation = 0; // a newer search makes older ones drop their answers
let timer = 0;

function pagefind() {
  loading = loading || openIndex(form.dataset.searchIndex, form.dataset.searchBase || "/");
  return loading;
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
  current = search ? { results: search.results, shown: 0, stems: search.stems || [] } : null;
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
  for (const item of data) list.append(resultItem(item, current.stems));
  current.shown += next.length;
  more.hidden = current.shown >= current.results.length;
}

function resultItem(data, stems) {
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
  const sectionName = (data.filters || {}).section;
  if (sectionName) {
    const name = document.createElement("span");
    name.className = "card-section";
    name.textContent = sectionName;
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
  excerpt.append(...markedText(data.excerpt || "", stems));
  item.append(heading, line, excerpt);
  return item;
}

// The excerpt as text, each word of it that a stem searched for begins marked: nodes
// made from text, never parsed as HTML.
function markedText(text, stems) {
  if (!stems.length) return [document.createTextNode(text)];
  const nodes = [];
  let at = 0;
  for (const found of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!holdsStem(found[0], stems)) continue;
    if (found.index > at) nodes.push(document.createTextNode(text.slice(at, found.index)));
    const mark = document.createElement("mark");
    mark.textContent = found[0];
    nodes.push(mark);
    at = found.index + found[0].length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
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
