import { askEarly } from './early-requests';
import { firstPageRequest, countRequest } from './visitors/paged-rows';
import { DEFAULT_VISITORS_QUERY, filterOf } from './visitors/visitors-store';

/**
 * What the window needs before its first screen can show anything, asked as
 * the script starts (early-requests.ts says why): the shell's state (welcome
 * or console?) and the Visitors screen's count and first rows for its
 * opening query. Imported first by main.tsx, so these leave before the rest
 * of the window's modules are even set up.
 */
if (window.api) {
  const api = window.api;
  askEarly(api, 'setup:state', {}, { replacedBy: 'setup:state' });
  const q = DEFAULT_VISITORS_QUERY;
  const filter = filterOf(q);
  askEarly(api, 'visitors:count', countRequest(q.searchInput.trim(), filter), {
    staleAfter: 'visitors:changed',
  });
  askEarly(api, 'visitors:page', firstPageRequest(q.searchInput.trim(), q.sort, filter), {
    staleAfter: 'visitors:changed',
  });
}
