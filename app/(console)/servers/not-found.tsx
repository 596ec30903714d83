import { NotFoundMessage } from '@/components/not-found-message';

export default function ServersNotFound() {
  return <NotFoundMessage>There is no such server here. It may have been deleted, or the address may be mistyped.</NotFoundMessage>;
}
