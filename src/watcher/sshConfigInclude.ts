// `Include` in ssh config files, which the `ssh-config` package parses but does not follow.
// Many setups keep their hosts in included files (`Include ~/.ssh/config.d/*`), and a viewer that
// ignored them would neither list those aliases nor connect to them as `ssh` does.
//
// As OpenSSH does: each pattern, `~` expanded and relative ones taken from ~/.ssh, is globbed;
// the matching files are read in lexical order and take the Include's place; patterns matching
// nothing are skipped; nesting stops at 16 levels. An Include inside a Host or Match block
// applies only within that block: its plain directives join the block. Host and Match blocks
// of such a file apply only when both conditions match, which the package cannot express, so
// they are kept only under `Host *` (whose condition always holds) and left out elsewhere.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import SSHConfig from 'ssh-config';

/** OpenSSH's READCONF_MAX_DEPTH. */
const MAX_DEPTH = 16;

type Line = SSHConfig[number];

function values(line: Line & { param: string }): string[] {
  const v = (line as { value: string | Array<{ val: string }> }).value;
  return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v.map((x) => x.val);
}

function isDirective(line: Line): line is Line & { param: string } {
  return (line as { type: number }).type === SSHConfig.DIRECTIVE;
}

function isSection(line: Line): line is Line & { param: string; config: SSHConfig } {
  return isDirective(line) && /^(host|match)$/i.test(line.param) && Array.isArray((line as { config?: unknown }).config);
}

/** A glob(3) pattern component as a regex: `*`, `?` and `[...]`; a leading dot is only matched by a dot. */
function componentRegex(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = component.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = component.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The existing files matching an absolute glob pattern, sorted as glob(3) sorts them. */
export function globFiles(pattern: string): string[] {
  const parts = pattern.split(sep).filter(Boolean);
  let paths: string[] = [sep];
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    const next: string[] = [];
    for (const dir of paths) {
      if (!/[*?[]/.test(part)) {
        next.push(join(dir, part));
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      const re = componentRegex(part);
      for (const entry of entries) if (re.test(entry) && (part.startsWith('.') || !entry.startsWith('.'))) next.push(join(dir, entry));
    }
    paths = last ? next : next.filter((p) => isDirectory(p));
  }
  return paths.filter((p) => isFile(p)).sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface IncludeContext {
  /** The user's home, for `~` and for relative patterns (taken from HOME/.ssh). */
  home: string;
  /** Reads and parses one included file (errors name the file). */
  parse(path: string): SSHConfig;
}

function patternPath(pattern: string, home: string): string {
  const expanded = pattern.replace(/^~(?=\/|$)/, home);
  return isAbsolute(expanded) ? expanded : join(home, '.ssh', expanded);
}

function includedFiles(line: Line & { param: string }, ctx: IncludeContext, depth: number): SSHConfig[] {
  if (depth >= MAX_DEPTH) throw new Error(`Include is nested more than ${MAX_DEPTH} levels deep (OpenSSH stops there too): look for a file that includes itself.`);
  return values(line).flatMap((pattern) => globFiles(patternPath(pattern, ctx.home))).map((file) => ctx.parse(file));
}

function expandLines(lines: SSHConfig, ctx: IncludeContext, depth: number, scope: 'top' | 'all-hosts' | 'block'): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    if (!isDirective(line) || line.param.toLowerCase() !== 'include') {
      if (isSection(line)) {
        const all = line.param.toLowerCase() === 'host' && values(line).every((v) => v === '*');
        const inner = expandLines(line.config, ctx, depth, all ? 'all-hosts' : 'block');
        line.config.splice(0, line.config.length, ...inner.filter((l) => !isSection(l)));
        out.push(line, ...inner.filter((l) => isSection(l)));
      } else {
        out.push(line);
      }
      continue;
    }
    for (const included of includedFiles(line, ctx, depth)) {
      for (const child of expandLines(included, ctx, depth + 1, 'top')) {
        if (isSection(child) && scope === 'block') continue; // see the header comment
        out.push(child);
      }
    }
  }
  return out;
}

/** `config` with every Include followed (in place of the Include lines). */
export function followIncludes(config: SSHConfig, ctx: IncludeContext): SSHConfig {
  const lines = expandLines(config, ctx, 0, 'top');
  const result = SSHConfig.parse('');
  result.push(...lines);
  return result;
}
