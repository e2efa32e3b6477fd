import type { Module, Pack } from '../../content/types';

/** Which part of the pack goes in a package: all of it, one section, or one module. */
export interface PackageScope {
  section?: string;
  module?: string;
}

/** The section or module asked for is not in this pack version (a route answers 404). */
export class PackageScopeError extends Error {}

/**
 * The sections and modules the scope asks for, in pack order, with the part's title (null for the whole pack). Pure,
 * so the builds service can refuse an unknown part before it starts a build, and the worker selects the same modules.
 */
export function selectScope(
  pack: Pack,
  scope: PackageScope,
): { sections: { title: string; modules: readonly Module[] }[]; title: string | null } {
  if (scope.module) {
    const mod = pack.modules.get(scope.module);
    const section = mod && pack.sections.find((s) => s.modules.includes(mod));
    if (!mod || !section) throw new PackageScopeError(`No module ${scope.module} in this pack`);
    return { sections: [{ title: section.title, modules: [mod] }], title: mod.title };
  }
  if (scope.section) {
    const section = pack.sections.find((s) => s.id === scope.section);
    if (!section || !section.modules.length)
      throw new PackageScopeError(`No section ${scope.section} in this pack`);
    return { sections: [section], title: section.title };
  }
  return { sections: pack.sections.filter((s) => s.modules.length), title: null };
}
