/**
 * Filters a user saved by name, per page. A saved filter is only the query of the page's address
 * (every filter already lives there, so a link reproduces the view): applying one is navigating to
 * it. They are kept in this browser's localStorage, under a key with the user's subject, because
 * the API has no store of user preferences and a saved query needs none: it holds no case data,
 * only filter values, and losing it costs nothing but retyping.
 */

export interface SavedFilter {
  name: string;
  /** The page's query, without `?` (may be empty: "no filters"). */
  query: string;
}

const key = (sub: string, page: string) => `onestop.saved-filters.${page}.${sub}`;

function isSaved(v: unknown): v is SavedFilter {
  return typeof v === 'object' && v !== null && typeof (v as SavedFilter).name === 'string' && typeof (v as SavedFilter).query === 'string';
}

/** The user's saved filters of `page`, by name; anything unreadable in storage counts as none. */
export function loadSavedFilters(sub: string, page: string): SavedFilter[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(sub, page)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isSaved) : [];
  } catch {
    return [];
  }
}

function store(sub: string, page: string, filters: SavedFilter[]): SavedFilter[] {
  const sorted = [...filters].sort((a, b) => a.name.localeCompare(b.name));
  localStorage.setItem(key(sub, page), JSON.stringify(sorted));
  return sorted;
}

/** Saves `query` as `name`, replacing a filter of the same name. */
export function saveFilter(sub: string, page: string, name: string, query: string): SavedFilter[] {
  return store(sub, page, [...loadSavedFilters(sub, page).filter((f) => f.name !== name), { name, query }]);
}

export function deleteFilter(sub: string, page: string, name: string): SavedFilter[] {
  return store(
    sub,
    page,
    loadSavedFilters(sub, page).filter((f) => f.name !== name),
  );
}
