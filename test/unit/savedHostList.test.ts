import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSavedHosts, withHost, withoutHost } from '../../src/ui/hosts/savedHostList';

test('reads objects and plain strings, skipping bad and duplicate entries with a reason', () => {
  const { hosts, problems } = parseSavedHosts([
    { target: ' guest@demo.example.org:2222 ', name: ' Demo ' },
    'alice-laptop',
    { name: 'no target' },
    42,
    { target: 'alice-laptop', name: 'again' },
    { target: 'bob@[::1]:2200', name: '' },
  ]);
  assert.deepEqual(hosts, [
    { target: 'guest@demo.example.org:2222', name: 'Demo' },
    { target: 'alice-laptop' },
    { target: 'bob@[::1]:2200' },
  ]);
  assert.equal(problems.length, 3);
  assert.match(problems[0], /hosts\[2\] has no "target"/);
  assert.match(problems[2], /"alice-laptop" twice/);
});

test('an unset setting is an empty list; a wrong type says what it should be', () => {
  assert.deepEqual(parseSavedHosts(undefined), { hosts: [], problems: [] });
  assert.match(parseSavedHosts({ target: 'x' }).problems[0], /must be a list/);
});

test('add, edit and remove keep one entry per target', () => {
  let hosts = withHost([], { target: 'a', name: 'A' });
  hosts = withHost(hosts, { target: 'b' });
  assert.throws(() => withHost(hosts, { target: 'b', name: 'B' }), /"b" is already saved/);
  hosts = withHost(hosts, { target: 'a2', name: ' Renamed ' }, 'a');
  assert.deepEqual(hosts, [{ target: 'a2', name: 'Renamed' }, { target: 'b' }]);
  hosts = withHost(hosts, { target: 'b', name: 'same target, new name' }, 'b');
  assert.deepEqual(hosts[1], { target: 'b', name: 'same target, new name' });
  assert.throws(() => withHost(hosts, { target: 'c' }, 'gone'), /no longer among/);
  assert.throws(() => withHost(hosts, { target: '  ' }), /needs a target/);
  assert.deepEqual(withoutHost(hosts, 'a2'), [{ target: 'b', name: 'same target, new name' }]);
});
