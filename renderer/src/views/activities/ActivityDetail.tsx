export function ActivityDetail({ lid }: { lid: string }) {
  return <aside aria-label="Activity detail">{lid}</aside>;
}
