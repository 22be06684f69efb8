/**
 * The page's document, typed by what is used of it: the stores that offer a
 * download are also type-checked with the unit tests, which have no DOM types.
 */
interface Anchor {
  href: string;
  download: string;
  click(): void;
  remove(): void;
}
const page = () =>
  (
    globalThis as unknown as {
      document: { createElement(tag: 'a'): Anchor; body: { append(a: Anchor): void } };
    }
  ).document;

/** Hands a file the core produced to the browser's own download (no desktop save dialog). */
export function download(filename: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = page().createElement('a');
  a.href = url;
  a.download = filename;
  page().body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
