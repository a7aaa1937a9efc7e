// An anchor that navigates inside the app (plain clicks) and stays a real link (keyboard, new tab).
import type { ComponentChildren } from 'preact'
import { navigate } from '../router'

interface Props {
  href: string
  children: ComponentChildren
  current?: boolean
  class?: string
}

export function Link({ href, children, current, class: className }: Props) {
  const onClick = (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(href)
  }
  return (
    <a href={href} onClick={onClick} class={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  )
}
