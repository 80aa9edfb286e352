// What guests are told when their view ends, in one place: the host's stop and kick, the
// embedded server, and the system mode's forced command all print these lines.
export const ENDED_MESSAGE = 'Guest Broadcast: the broadcast has ended.';
export const KICKED_MESSAGE = 'Guest Broadcast: the host ended your view.';
