import { NotFoundMessage } from '@/components/not-found-message';

export default function ServerNotFound() {
  return <NotFoundMessage>There is no such server or user here. It may have been deleted, or the address may be mistyped.</NotFoundMessage>;
}
