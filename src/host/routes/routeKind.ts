// The kinds of route (../shared/DESIGN.md, "Routes"), on their own so the guest list can say which
// route a guest came by without importing the Route interface (which imports the guest list).
export type RouteKind = 'embedded' | 'system' | 'web' | 'relay';
