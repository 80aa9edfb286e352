import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutOuterNpm } from '../vscode/harness/tools';

test("the harness's inner npm does not inherit an outer npm's user agent (code-server reads Node's version from it)", () => {
  const env = withoutOuterNpm({
    PATH: '/bin',
    HOME: '/root',
    NODE: '/usr/bin/node',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64',
    npm_lifecycle_event: 'test',
    npm_package_name: 'guest-broadcast',
    npm_node_execpath: '/usr/bin/node',
    npm_config_cache: '/root/.npm',
    npm_config_registry: 'https://registry.example/',
    npm_config_nodedir: '/opt/node24',
  });
  assert.deepEqual(env, {
    PATH: '/bin',
    HOME: '/root',
    npm_config_cache: '/root/.npm',
    npm_config_registry: 'https://registry.example/',
    npm_config_nodedir: '/opt/node24',
  });
});
