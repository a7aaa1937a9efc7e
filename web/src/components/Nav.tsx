// The main navigation: one link per page, the current one marked.
import { Link } from './Link'

export const PAGES = [
  { href: '/', label: 'Overview' },
  { href: '/sources', label: 'Sources' },
  { href: '/destination', label: 'Destination' },
  { href: '/mappings', label: 'Mappings' },
  { href: '/test-mapping', label: 'Test mapping' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/replay', label: 'Replay' },
  { href: '/events', label: 'Event lookup' },
  { href: '/live', label: 'Live events' },
  { href: '/privacy', label: 'Privacy' },
] as const

export function Nav({ path }: { path: string }) {
  const isCurrent = (href: string): boolean => (href === '/' ? path === '/' : path.startsWith(href))
  return (
    <nav aria-label="Main">
      <ul>
        {PAGES.map((page) => (
          <li key={page.href}>
            <Link href={page.href} current={isCurrent(page.href)}>
              {page.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}
