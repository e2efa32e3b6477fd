import type { Module, Pack } from '../../content/types';
import { describeVersion, type ExportMeta } from '../meta';
import { modulePath } from './pages';

/** What every manifest is built from: the modules in the package, in pack order, and the files they all share. */
export interface ManifestInput {
  pack: Pack;
  meta: ExportMeta;
  modules: readonly Module[];
  /** Files every module's page uses (styles, fonts, the runtime) and the contents page. */
  shared: readonly string[];
  /** What the package holds, for its title: the pack, a section's title or a module's. */
  scopeTitle: string | null;
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const xml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);

/** An xs:ID from a module id (letters, digits, `-`, `_`, `.`; a module id is a slug already, this keeps it one). */
const xmlId = (prefix: string, id: string): string => `${prefix}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

function title(input: ManifestInput): string {
  const what = describeVersion(input.meta);
  return input.scopeTitle ? `${input.scopeTitle} – ${what}` : what;
}

function description(input: ManifestInput): string {
  const n = input.modules.length;
  return `${n} module${n === 1 ? '' : 's'} from ${describeVersion(input.meta)}: ${input.modules.map((m) => m.title).join('; ')}`;
}

/** The identifier the learning system knows the package by: the pack and variant, not the version, so an update replaces it. */
function packageKey(input: ManifestInput): string {
  const variant = input.meta.variant
    ? `.variant.${input.meta.variant.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    : '';
  return `${input.pack.id}${variant}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

const files = (paths: readonly string[], indent: string): string =>
  paths.map((p) => `${indent}<file href="${xml(p)}"/>`).join('\n');

/** Each namespace a manifest uses with the schema file that defines it (`xsi:schemaLocation`'s pairs). */
const schemaLocation = (pairs: [namespace: string, file: string][]): string =>
  pairs.map(([namespace, file]) => `${namespace} ${file}`).join(' ');
const SCORM12_SCHEMAS = schemaLocation([
  ['http://www.imsproject.org/xsd/imscp_rootv1p1p2', 'imscp_rootv1p1p2.xsd'],
  ['http://www.imsglobal.org/xsd/imsmd_rootv1p2p1', 'imsmd_rootv1p2p1.xsd'],
  ['http://www.adlnet.org/xsd/adlcp_rootv1p2', 'adlcp_rootv1p2.xsd'],
]);
const SCORM2004_SCHEMAS = schemaLocation([
  ['http://www.imsglobal.org/xsd/imscp_v1p1', 'imscp_v1p1.xsd'],
  ['http://www.adlnet.org/xsd/adlcp_v1p3', 'adlcp_v1p3.xsd'],
  ['http://www.adlnet.org/xsd/adlseq_v1p3', 'adlseq_v1p3.xsd'],
  ['http://www.adlnet.org/xsd/adlnav_v1p3', 'adlnav_v1p3.xsd'],
  ['http://www.imsglobal.org/xsd/imsss', 'imsss_v1p0.xsd'],
]);

/** SCORM 1.2 (IMS CP 1.1.2 with ADL's adlcp): one SCO per module; descriptions as IMS metadata (LOM 1.2.1). */
export function scorm12Manifest(input: ManifestInput): string {
  const lom = (t: string, d: string) =>
    `<imsmd:lom><imsmd:general><imsmd:title><imsmd:langstring xml:lang="en-GB">${xml(t)}</imsmd:langstring></imsmd:title>` +
    `<imsmd:description><imsmd:langstring xml:lang="en-GB">${xml(d)}</imsmd:langstring></imsmd:description></imsmd:general></imsmd:lom>`;
  const items = input.modules.map(
    (m) => `      <item identifier="${xmlId('ITEM', m.id)}" identifierref="${xmlId('RES', m.id)}">
        <title>${xml(m.title)}</title>
      </item>`,
  );
  const resources = input.modules.map(
    (
      m,
    ) => `    <resource identifier="${xmlId('RES', m.id)}" type="webcontent" adlcp:scormtype="sco" href="${xml(modulePath(m))}">
      <metadata>${lom(m.title, m.summary)}</metadata>
      <file href="${xml(modulePath(m))}"/>
      <dependency identifierref="SHARED"/>
    </resource>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${xml(packageKey(input))}" version="${xml(input.meta.packVersion)}"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="${SCORM12_SCHEMAS}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
    ${lom(title(input), description(input))}
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>${xml(title(input))}</title>
${items.join('\n')}
    </organization>
  </organizations>
  <resources>
${resources.join('\n')}
    <resource identifier="SHARED" type="webcontent" adlcp:scormtype="asset">
${files(input.shared, '      ')}
    </resource>
  </resources>
</manifest>
`;
}

/**
 * SCORM 2004 4th edition: one SCO per module. Each item's sequencing lists its outcomes as objectives mapped to global
 * objectives named by the outcome's id, so a module opened later reads an outcome's status set in an earlier one; the
 * global objectives belong to this course (`objectivesGlobalToSystem="false"`), not to every course in the system.
 */
export function scorm2004Manifest(input: ManifestInput): string {
  const lom = (t: string, d: string) =>
    `<lom:lom><lom:general><lom:title><lom:string language="en-GB">${xml(t)}</lom:string></lom:title>` +
    `<lom:description><lom:string language="en-GB">${xml(d)}</lom:string></lom:description></lom:general></lom:lom>`;
  const items = input.modules.map((m) => {
    const objectives = m.outcomes.map(
      (o) => `            <imsss:objective objectiveID="${xml(o)}">
              <imsss:mapInfo targetObjectiveID="${xml(o)}" readSatisfiedStatus="true" writeSatisfiedStatus="true"/>
            </imsss:objective>`,
    );
    return `      <item identifier="${xmlId('ITEM', m.id)}" identifierref="${xmlId('RES', m.id)}">
        <title>${xml(m.title)}</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="${xml(m.id)}"/>
${objectives.join('\n')}
          </imsss:objectives>
        </imsss:sequencing>
      </item>`.replace(/\n\n/g, '\n');
  });
  const resources = input.modules.map(
    (
      m,
    ) => `    <resource identifier="${xmlId('RES', m.id)}" type="webcontent" adlcp:scormType="sco" href="${xml(modulePath(m))}">
      <metadata>${lom(m.title, m.summary)}</metadata>
      <file href="${xml(modulePath(m))}"/>
      <dependency identifierref="SHARED"/>
    </resource>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${xml(packageKey(input))}" version="${xml(input.meta.packVersion)}"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:lom="http://ltsc.ieee.org/xsd/LOM"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="${SCORM2004_SCHEMAS}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
    ${lom(title(input), description(input))}
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG" adlseq:objectivesGlobalToSystem="false">
      <title>${xml(title(input))}</title>
${items.join('\n')}
      <imsss:sequencing>
        <imsss:controlMode choice="true" flow="true"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources>
${resources.join('\n')}
    <resource identifier="SHARED" type="webcontent" adlcp:scormType="asset">
${files(input.shared, '      ')}
    </resource>
  </resources>
</manifest>
`;
}

/** The IRIs cmi5 needs: URNs under the pack's key, stable across versions so an LMS updates a course in place. */
export function cmi5Ids(input: ManifestInput) {
  const base = `urn:packway:${packageKey(input)}`;
  return {
    course: base,
    au: (m: Module) => `${base}:module:${encodeURIComponent(m.id)}`,
    objective: (outcomeId: string) => `${base}:outcome:${encodeURIComponent(outcomeId)}`,
  };
}

/** cmi5 course structure: one AU per module, completed by completing it, its outcomes as objectives. */
export function cmi5CourseStructure(input: ManifestInput): string {
  const ids = cmi5Ids(input);
  const text = (tag: string, value: string, indent: string) =>
    `${indent}<${tag}><langstring lang="en-GB">${xml(value)}</langstring></${tag}>`;
  const outcomeIds = [...new Set(input.modules.flatMap((m) => m.outcomes))];
  const objectives = outcomeIds.map((id) => {
    const o = input.pack.outcomes.get(id);
    return `    <objective id="${xml(ids.objective(id))}">
${text('title', id, '      ')}
${text('description', o?.text ?? id, '      ')}
    </objective>`;
  });
  const aus = input.modules.map((m) => {
    const refs = m.outcomes.map((o) => `      <objective idref="${xml(ids.objective(o))}"/>`);
    return `  <au id="${xml(ids.au(m))}" moveOn="Completed" launchMethod="AnyWindow">
${text('title', m.title, '    ')}
${text('description', m.summary || m.title, '    ')}
${refs.length ? `    <objectives>\n${refs.join('\n')}\n    </objectives>\n` : ''}    <url>${xml(modulePath(m))}</url>
  </au>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="${xml(ids.course)}">
${text('title', title(input), '    ')}
${text('description', description(input), '    ')}
  </course>
${objectives.length ? `  <objectives>\n${objectives.join('\n')}\n  </objectives>\n` : ''}${aus.join('\n')}
</courseStructure>
`;
}
