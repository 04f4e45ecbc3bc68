/** Keyset paging: forward with the page's endCursor, back through the cursors already seen. */
export function Pager({ page, hasNext, onNext, onPrev, busy }: {
  page: number; hasNext: boolean; onNext: () => void; onPrev: () => void; busy?: boolean;
}) {
  return (
    <div className="pager">
      <button type="button" onClick={onPrev} disabled={page === 0 || busy}>上一页</button>
      <span>第 {page + 1} 页</span>
      <button type="button" onClick={onNext} disabled={!hasNext || busy}>下一页</button>
    </div>
  );
}

/** The cursors of the pages seen so far: [undefined] is the first page. */
export function nextCursors(cursors: (string | undefined)[], endCursor: string | null | undefined) {
  return endCursor ? [...cursors, endCursor] : cursors;
}
