export function ActivityFormDialog() {
  return null;
}
