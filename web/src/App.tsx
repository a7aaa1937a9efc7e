// The shell: sign-in until there is a token, then the navigation and the page for the current path.
import { useEffect, useState } from 'preact/hooks'
import { Nav } from './components/Nav'
import { SignIn } from './components/SignIn'
import { DeadLettersPage } from './pages/DeadLettersPage'
import { DestinationPage } from './pages/DestinationPage'
import { EventLookupPage } from './pages/EventLookupPage'
import { LiveEventsPage } from './pages/LiveEventsPage'
import { MappingEditorPage } from './pages/MappingEditorPage'
import { MappingsPage } from './pages/MappingsPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { OverviewPage } from './pages/OverviewPage'
import { PrivacyPage } from './pages/PrivacyPage'
import { ReplayPage } from './pages/ReplayPage'
import { SourcesPage } from './pages/SourcesPage'
import { TestMappingPage } from './pages/TestMappingPage'
import { useLocation, type Location } from './router'
import { getToken, onSessionChange, signOut } from './session'

function page({ path, search }: Location) {
  if (path === '/') return <OverviewPage />
  if (path === '/destination') return <DestinationPage />
  if (path === '/mappings') return <MappingsPage />
  if (path.startsWith('/mappings/')) {
    return (
      <MappingEditorPage
        id={decodeURIComponent(path.slice(10))}
        draftOf={{ preset: search.get('preset'), destinationId: search.get('destination') }}
        created={search.get('created') === '1'}
      />
    )
  }
  if (path === '/test-mapping') return <TestMappingPage mappingId={search.get('mapping')} />
  if (path === '/dead-letters') return <DeadLettersPage />
  if (path === '/sources') return <SourcesPage />
  if (path === '/replay') return <ReplayPage initial={search} />
  if (path === '/events') return <EventLookupPage initial={search.get('messageId')} />
  if (path === '/live') return <LiveEventsPage />
  if (path === '/privacy') return <PrivacyPage />
  return <NotFoundPage />
}

export function App() {
  const [token, setToken] = useState(getToken)
  const location = useLocation()
  useEffect(() => onSessionChange(setToken), [])

  // Focus moves to the page heading on navigation, so keyboard and screen-reader users land there.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus()
  }, [location.path])

  if (token === null) return <SignIn />
  return (
    <div class="layout">
      <header>
        <span class="brand">iterable-actions</span>
        <Nav path={location.path} />
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{page(location)}</main>
    </div>
  )
}
