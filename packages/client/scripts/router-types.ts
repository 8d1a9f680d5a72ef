import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/*
 * Writes the API router's type as a standalone declaration file.
 *
 * `AppRouter` is `typeof appRouter`: declaration emit (and any .d.ts bundler) would reference the
 * server's context, and through it Fastify, ioredis, drizzle and every @vigia package. A client
 * needs none of that: only each procedure's kind, input and output, and the error shape. So this
 * walks the router with the type checker and prints those types structurally, keeping references
 * only to TypeScript's standard library and to @trpc/server, a dependency of the client.
 */

const HEADER = `// Generated from @vigia/api's AppRouter by @vigia/client's build (scripts/router-types.ts); do not edit.\n`;
const KINDS = { query: 'TRPCQueryProcedure', mutation: 'TRPCMutationProcedure', subscription: 'TRPCSubscriptionProcedure' } as const;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export interface RouterTypes {
  /** The declaration file's text. */
  text: string;
  /** Every procedure path, such as `metrics.current`, with its kind. */
  procedures: Record<string, keyof typeof KINDS>;
}

function programFor(entry: string): ts.Program {
  const configFile = ts.findConfigFile(dirname(entry), ts.sys.fileExists);
  if (!configFile) throw new Error(`no tsconfig.json above ${entry}`);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configFile}`);
  return ts.createProgram({ rootNames: [entry], options: { ...parsed.options, noEmit: true } });
}

class Printer {
  usesTracked = false;
  private readonly stack: ts.Type[] = [];

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly program: ts.Program,
  ) {}

  private fromStandardLibrary(symbol: ts.Symbol | undefined): boolean {
    // @types/node adds members to some global interfaces; the standard library still declares them.
    return !!symbol?.declarations?.some((d) => this.program.isSourceFileDefaultLibrary(d.getSourceFile()));
  }

  private fromTrpc(symbol: ts.Symbol | undefined): boolean {
    return !!symbol?.declarations?.some((d) => /[\\/]@trpc[\\/]server[\\/]/.test(d.getSourceFile().fileName));
  }

  private property(type: ts.Type, name: string): ts.Type {
    const symbol = this.checker.getPropertyOfType(type, name);
    if (!symbol) throw new Error(`the router type has no "${name}" where one was expected (a tRPC upgrade?)`);
    return this.checker.getTypeOfSymbol(symbol);
  }

  get(type: ts.Type, ...path: string[]): ts.Type {
    return path.reduce((t, name) => this.property(t, name), type);
  }

  has(type: ts.Type, name: string): boolean {
    return !!this.checker.getPropertyOfType(type, name);
  }

  print(type: ts.Type, indent: string, where: string): string {
    const c = this.checker;
    if (type.aliasSymbol?.name === 'TrackedEnvelope' && this.fromTrpc(type.aliasSymbol)) {
      this.usesTracked = true;
      return `TrackedEnvelope<${this.print(type.aliasTypeArguments![0]!, indent, where)}>`;
    }
    const f = type.flags;
    if (f & ts.TypeFlags.Any) return 'any';
    if (f & ts.TypeFlags.Unknown) return 'unknown';
    if (f & ts.TypeFlags.Never) return 'never';
    if (f & ts.TypeFlags.Void) return 'void';
    if (f & ts.TypeFlags.Undefined) return 'undefined';
    if (f & ts.TypeFlags.Null) return 'null';
    if (f & ts.TypeFlags.StringLiteral) return JSON.stringify((type as ts.StringLiteralType).value);
    if (f & ts.TypeFlags.NumberLiteral) return String((type as ts.NumberLiteralType).value);
    // Literal and primitive types print the same wherever they are.
    if (f & (ts.TypeFlags.BooleanLiteral | ts.TypeFlags.BigIntLiteral | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) return c.typeToString(type);
    if (f & ts.TypeFlags.Boolean) return 'boolean';
    if (f & ts.TypeFlags.String) return 'string';
    if (f & ts.TypeFlags.Number) return 'number';
    if (f & ts.TypeFlags.BigInt) return 'bigint';
    if (f & ts.TypeFlags.ESSymbolLike) return 'symbol';
    if (f & ts.TypeFlags.NonPrimitive) return 'object';
    if (f & ts.TypeFlags.TypeParameter) return 'unknown';
    if (type.isUnion()) return this.union(type, indent, where);
    if (type.isIntersection()) return type.types.map((t) => this.wrapped(t, indent, where)).join(' & ');
    if (f & ts.TypeFlags.Object) return this.object(type as ts.ObjectType, indent, where);
    throw new Error(`cannot print the type ${c.typeToString(type)} at ${where}`);
  }

  private wrapped(type: ts.Type, indent: string, where: string): string {
    const text = this.print(type, indent, where);
    return type.isUnion() && !(type.flags & ts.TypeFlags.Boolean) ? `(${text})` : text;
  }

  private union(type: ts.UnionType, indent: string, where: string): string {
    // TypeScript keeps `boolean` inside a union as `true | false`; put it back together.
    const members = type.types;
    const hasTrue = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'true');
    const hasFalse = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'false');
    const parts: string[] = [];
    for (const t of members) {
      if (hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral) {
        if (!parts.includes('boolean')) parts.push('boolean');
        continue;
      }
      parts.push(this.wrapped(t, indent, where));
    }
    return parts.join(' | ');
  }

  private typeArguments(type: ts.Type): readonly ts.Type[] {
    return (type.aliasTypeArguments ?? (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) ? this.checker.getTypeArguments(type as ts.TypeReference) : [];
  }

  private object(type: ts.ObjectType, indent: string, where: string): string {
    const c = this.checker;
    if (c.isTupleType(type)) {
      const target = (type as ts.TupleTypeReference).target;
      const elements = c.getTypeArguments(type as ts.TypeReference).map((t, i) => {
        const flags = target.elementFlags[i]!;
        const text = this.print(t, indent, `${where}[${i}]`);
        if (flags & ts.ElementFlags.Rest) return `...${this.wrapped(t, indent, where)}[]`;
        if (flags & ts.ElementFlags.Variadic) return `...${text}`;
        return flags & ts.ElementFlags.Optional ? `${this.wrapped(t, indent, where)}?` : text;
      });
      return `${target.readonly ? 'readonly ' : ''}[${elements.join(', ')}]`;
    }
    if (c.isArrayType(type)) {
      const name = type.symbol?.name === 'ReadonlyArray' ? 'ReadonlyArray' : 'Array';
      return `${name}<${this.print(c.getTypeArguments(type as ts.TypeReference)[0]!, indent, `${where}[]`)}>`;
    }
    // Date, Record, Map, AsyncIterable…: standard names every consumer has.
    const named = !type.aliasSymbol && type.symbol && type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class) ? type.symbol : undefined;
    const libSymbol = this.fromStandardLibrary(type.aliasSymbol) ? type.aliasSymbol : this.fromStandardLibrary(named) ? named : undefined;
    if (libSymbol) {
      const args = type.aliasSymbol === libSymbol ? (type.aliasTypeArguments ?? []) : this.typeArguments(type);
      return args.length ? `${libSymbol.name}<${args.map((a, i) => this.print(a, indent, `${where}<${i}>`)).join(', ')}>` : libSymbol.name;
    }
    if (this.stack.includes(type)) throw new Error(`the type at ${where} refers to itself; scripts/router-types.ts prints JSON-like data only and needs extending for it`);
    this.stack.push(type);
    try {
      const inner = `${indent}  `;
      const lines: string[] = [];
      for (const signature of c.getSignaturesOfType(type, ts.SignatureKind.Call)) {
        const params = signature.parameters.map((p) => `${p.name}: ${this.print(c.getTypeOfSymbol(p), inner, `${where}(${p.name})`)}`);
        lines.push(`(${params.join(', ')}): ${this.print(signature.getReturnType(), inner, `${where}()`)};`);
      }
      for (const info of c.getIndexInfosOfType(type)) {
        lines.push(`[key: ${this.print(info.keyType, inner, where)}]: ${this.print(info.type, inner, `${where}[key]`)};`);
      }
      for (const prop of c.getPropertiesOfType(type)) {
        if (prop.name.startsWith('__@')) continue; // symbol-keyed members have no place in JSON
        const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
        const name = IDENTIFIER.test(prop.name) ? prop.name : JSON.stringify(prop.name);
        lines.push(`${name}${optional}: ${this.print(c.getTypeOfSymbol(prop), inner, `${where}.${prop.name}`)};`);
      }
      return lines.length ? `{\n${lines.map((l) => `${inner}${l}`).join('\n')}\n${indent}}` : '{}';
    } finally {
      this.stack.pop();
    }
  }
}

/** Reads `AppRouter` from @vigia/api (or `entry`) and prints it as a standalone declaration file. */
export function generateRouterTypes(entry = fileURLToPath(import.meta.resolve('@vigia/api'))): RouterTypes {
  const program = programFor(entry);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  let exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'AppRouter');
  if (!exported) throw new Error(`${entry} does not export AppRouter`);
  if (exported.flags & ts.SymbolFlags.Alias) exported = checker.getAliasedSymbol(exported);
  const router = checker.getDeclaredTypeOfSymbol(exported);
  const p = new Printer(checker, program);
  const procedures: RouterTypes['procedures'] = {};

  const record = (type: ts.Type, indent: string, path: string): string => {
    const inner = `${indent}  `;
    const entries = checker.getPropertiesOfType(type).map((member) => {
      const memberPath = path ? `${path}.${member.name}` : member.name;
      const value = checker.getTypeOfSymbol(member);
      // Sub-routers sit in the record as plain objects of procedures (or, in older tRPC, as routers).
      if (!p.has(value, '_def')) return `${inner}${member.name}: ${record(value, inner, memberPath)};`;
      const def = p.get(value, '_def');
      if (p.has(def, 'record')) return `${inner}${member.name}: ${record(p.get(def, 'record'), inner, memberPath)};`;
      const kind = checker.typeToString(p.get(def, 'type')).replace(/"/g, '') as keyof typeof KINDS;
      if (!(kind in KINDS)) throw new Error(`${memberPath}: unknown procedure type ${kind}`);
      procedures[memberPath] = kind;
      const types = p.get(def, '$types');
      const deeper = `${inner}  `;
      return [
        `${inner}${member.name}: ${KINDS[kind]}<{`,
        `${deeper}input: ${p.print(p.get(types, 'input'), deeper, `${memberPath} input`)};`,
        `${deeper}output: ${p.print(p.get(types, 'output'), deeper, `${memberPath} output`)};`,
        `${deeper}meta: object;`,
        `${inner}}>;`,
      ].join('\n');
    });
    return `{\n${entries.join('\n')}\n${indent}}`;
  };

  const rootTypes = p.get(router, '_def', '_config', '$types');
  const recordText = record(p.get(router, '_def', 'record'), '', '');
  const errorShape = p.print(p.get(rootTypes, 'errorShape'), '  ', 'errorShape');
  const transformer = p.print(p.get(rootTypes, 'transformer'), '  ', 'transformer');
  const imports = ['TRPCBuiltRouter', ...new Set(Object.values(procedures).map((k) => KINDS[k])), ...(p.usesTracked ? ['TrackedEnvelope'] : [])].sort();
  const text = [
    HEADER,
    `import type { ${imports.join(', ')} } from '@trpc/server';\n`,
    `/** What the client knows of the server: the context stays on the server. */`,
    `type RootTypes = {\n  ctx: object;\n  meta: object;\n  errorShape: ${errorShape};\n  transformer: ${transformer};\n};\n`,
    `/** Every procedure of Vigia's API with its input and output types. */`,
    `export type AppRouter = TRPCBuiltRouter<RootTypes, ${recordText}>;\n`,
  ].join('\n');
  return { text, procedures };
}
