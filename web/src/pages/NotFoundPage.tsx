// An address the app does not know.
import { Link } from '../components/Link'

export function NotFoundPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at this address. Go to the <Link href="/">Overview</Link>.
      </p>
    </section>
  )
}
