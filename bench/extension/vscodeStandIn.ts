// A stand-in for the `vscode` module, used ONLY to time the bundle's activate() outside VS Code
// (bench/extension/activateProbe.ts). It is not a test double of any behaviour: classes the
// extension may construct (EventEmitter, Disposable, Uri, TreeItem, ...) work minimally, and every
// other API call returns an inert object. So the timing covers loading the bundle and running
// activate()'s own code, and none of VS Code's own cost (IPC to the window, rendering).

import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';

type Listener = (value: unknown) => unknown;

/**
 * Every top-level name of the vscode API (classes, enums, namespaces), read from @types/vscode.
 * A bundle copies the module's own properties when it imports it (esbuild's __toESM), so each
 * name must exist up front; the ones not implemented below become inert values.
 */
function apiNames(): string[] {
  try {
    const dts = readFileSync(join(__dirname, '..', '..', '..', 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
    return [...dts.matchAll(/^\texport (?:class|namespace|enum|const|let|function) (\w+)/gm)].map((m) => m[1]);
  } catch {
    return []; // @types/vscode missing: only the names implemented below exist
  }
}

class Disposable {
  constructor(private readonly fn: () => unknown = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

class EventEmitter {
  private listeners: Listener[] = [];
  readonly event = (listener: Listener): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(value?: unknown): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(value: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(value);
    return m ? new Uri(m[1], m[2]) : new Uri('file', value);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/').replace(/\/+/g, '/'));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class TreeItem {
  constructor(
    readonly label: unknown,
    readonly collapsibleState = 0,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text;
    return this;
  }
}

/** An inert value: every property is another inert value, calling it returns one, awaiting it gives itself. */
function inert(): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () {
    return undefined;
  };
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return undefined;
      if (prop === 'toJSON') return () => null;
      if (Reflect.has(t, prop) && !cache.has(prop)) return Reflect.get(t, prop);
      if (!cache.has(prop)) cache.set(prop, inert());
      return cache.get(prop);
    },
    set(_t, prop, value) {
      cache.set(prop, value);
      return true;
    },
    apply: () => inert(),
    construct: () => inert() as object,
  });
}

const configuration = {
  get: (_key: string, fallback?: unknown) => fallback,
  has: () => false,
  inspect: () => undefined,
  update: async () => undefined,
};

/** A namespace whose known members are real and whose other members are inert. */
function namespace(known: Record<string, unknown>): unknown {
  return new Proxy(known, {
    get(t, prop) {
      if (typeof prop === 'string' && !(prop in t)) t[prop] = inert();
      return t[prop as string];
    },
  });
}

export function createVscodeStandIn(appRoot: string): Record<string, unknown> {
  const api: Record<string, unknown> = {
    version: '1.90.0',
    Disposable,
    EventEmitter,
    Uri,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    UIKind: { Desktop: 1, Web: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    TerminalLocation: { Panel: 1, Editor: 2 },
    commands: namespace({
      registerCommand: () => new Disposable(),
      executeCommand: async () => undefined,
    }),
    window: namespace({
      showInformationMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showErrorMessage: async () => undefined,
    }),
    workspace: namespace({
      getConfiguration: () => configuration,
      onDidChangeConfiguration: () => new Disposable(),
      workspaceFolders: undefined,
    }),
    env: namespace({ appRoot, uiKind: 1, remoteName: undefined, language: 'en', machineId: 'bench' }),
    extensions: namespace({ getExtension: () => undefined }),
  };
  // Anything not implemented (RelativePattern, languages, tasks, ...) is inert, constructible too.
  for (const name of apiNames()) if (!(name in api)) api[name] = inert();
  return api;
}

/** A minimal ExtensionContext: storage folders under `storageDir`, in-memory state. */
export function createContextStandIn(extensionPath: string, storageDir: string): Record<string, unknown> {
  const memento = (): unknown => {
    const values = new Map<string, unknown>();
    return {
      get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, value),
      keys: () => [...values.keys()],
      setKeysForSync: () => undefined,
    };
  };
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    globalStorageUri: Uri.file(storageDir),
    globalStoragePath: storageDir,
    storageUri: undefined,
    logUri: Uri.file(storageDir),
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => new Disposable() },
    extensionMode: 1,
    asAbsolutePath: (rel: string) => `${extensionPath}/${rel}`,
    environmentVariableCollection: inert(),
    extension: inert(),
  };
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
}

/**
 * Makes `require('vscode')` in this process return the stand-in (placed in require's cache under
 * `id`): the bench's activate probe and the extension-load test both load the bundle this way.
 */
export function installVscodeStandIn(storageDir: string, id: string): void {
  const internals = Module as unknown as ModuleInternals;
  const resolve = internals._resolveFilename.bind(Module);
  internals._resolveFilename = (request, parent, ...rest) => (request === 'vscode' ? id : resolve(request, parent, ...rest));
  const standIn = new Module(id);
  standIn.exports = createVscodeStandIn(storageDir);
  standIn.loaded = true;
  require.cache[id] = standIn;
}
