// The trigger AST. Node shapes follow Segment's `destination-subscriptions` package
// (reference §2.3) so its parse/generate vectors compare directly; `not` nodes, the extra
// top-level fields and `event-integration` paths are this project's additions (D8).

/** Every top-level event field a trigger may name (D8). */
export const TOP_LEVEL_FIELDS = [
  'type',
  'event',
  'name',
  'userId',
  'anonymousId',
  'messageId',
  'groupId',
  'previousId',
  'timestamp',
  'receivedAt',
  'sentAt',
  'originalTimestamp',
  'channel',
  'version',
] as const
export type TopLevelField = (typeof TOP_LEVEL_FIELDS)[number]

/** Fields that hold a nested object addressed by a path (`properties.plan`, `context.ip`, …). */
export const PATH_ROOTS = {
  properties: 'event-property',
  traits: 'event-trait',
  context: 'event-context',
  integrations: 'event-integration',
} as const
export type PathRoot = keyof typeof PATH_ROOTS
export type PathNodeType = (typeof PATH_ROOTS)[PathRoot]

/** `type` is the only top-level field whose node type differs from the field name. */
export type TopLevelNodeType = 'event-type' | Exclude<TopLevelField, 'type'>

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>='
export type Operator =
  | ComparisonOperator
  | 'number_equals'
  | 'number_not_equals'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'not_starts_with'
  | 'ends_with'
  | 'not_ends_with'
  | 'exists'
  | 'not_exists'
  | 'is_true'
  | 'is_false'

export type TriggerValue = string | number | boolean

/** A condition on a top-level field: `{type:'event'|'userId'|…, operator, value?}`. */
export interface FieldCondition {
  type: TopLevelNodeType
  operator: Operator
  value?: TriggerValue
}

/** A condition on a path under properties/traits/context/integrations; `name` is the path without its root. */
export interface PathCondition {
  type: PathNodeType
  name: string
  operator: Operator
  value?: TriggerValue
}

export interface GroupNode {
  type: 'group'
  operator: 'and' | 'or'
  children: TriggerNode[]
}

/** Logical negation of a term or group (`not x`, `!x`, `!(a or b)`); not in the reference. */
export interface NotNode {
  type: 'not'
  child: TriggerNode
}

export type ConditionNode = FieldCondition | PathCondition
export type TriggerNode = GroupNode | NotNode | ConditionNode
/** The root of a parsed trigger is always a group, as in the reference. */
export type TriggerAst = GroupNode

const TOP_LEVEL_SET: ReadonlySet<string> = new Set(TOP_LEVEL_FIELDS)
const PATH_NODE_TO_ROOT: Readonly<Record<string, PathRoot>> = {
  'event-property': 'properties',
  'event-trait': 'traits',
  'event-context': 'context',
  'event-integration': 'integrations',
}

export function isTopLevelField(name: string): name is TopLevelField {
  return TOP_LEVEL_SET.has(name)
}

export function isPathRoot(name: string): name is PathRoot {
  return Object.prototype.hasOwnProperty.call(PATH_ROOTS, name)
}

export function nodeTypeOfField(field: TopLevelField): TopLevelNodeType {
  return field === 'type' ? 'event-type' : field
}

/** The event key a top-level node reads, or undefined when `type` is no top-level node type. */
export function fieldOfNodeType(type: string): TopLevelField | undefined {
  if (type === 'event-type') return 'type'
  return type !== 'type' && isTopLevelField(type) ? type : undefined
}

/** The event key a path node starts from, or undefined when `type` is no path node type. */
export function rootOfPathNodeType(type: string): PathRoot | undefined {
  return Object.prototype.hasOwnProperty.call(PATH_NODE_TO_ROOT, type) ? PATH_NODE_TO_ROOT[type] : undefined
}
