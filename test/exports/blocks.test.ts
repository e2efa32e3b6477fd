import { markdownToBlocks, runsText, type Block } from '../../src/exports/blocks';

describe('Markdown as blocks for the Office writers', () => {
  it('keeps headings, nested lists with their levels, tables, quotes and styled runs', () => {
    const blocks = markdownToBlocks(
      [
        '## Why now',
        '',
        'Some **bold**, *italic* and [a link](https://example.org) text.',
        '',
        '- one',
        '  - one a',
        '- two',
        '',
        '3. third',
        '',
        '| A | B |',
        '| - | - |',
        '| a1 | *b1* |',
        '',
        '> quoted',
        '',
        '```',
        'code',
        '```',
        '',
        '![a chart](img/chart.png) and [bad](javascript:alert(1))',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'list',
      'list',
      'table',
      'quote',
      'code',
      'paragraph',
    ]);
    expect(blocks[0]).toEqual({ kind: 'heading', level: 2, runs: [{ text: 'Why now' }] });
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      runs: [
        { text: 'Some ' },
        { text: 'bold', bold: true },
        { text: ', ' },
        { text: 'italic', italic: true },
        { text: ' and ' },
        { text: 'a link', href: 'https://example.org' },
        { text: ' text.' },
      ],
    });
    const list = blocks[2];
    if (list.kind !== 'list') throw new Error('not a list');
    expect(list.items).toHaveLength(2);
    const nested = list.items[0].blocks[1];
    expect(
      nested.kind === 'list' &&
        runsText(nested.items[0].blocks[0].kind === 'paragraph' ? nested.items[0].blocks[0].runs : []),
    ).toBe('one a');
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
    expect(blocks[4]).toEqual({
      kind: 'table',
      header: [[{ text: 'A' }], [{ text: 'B' }]],
      rows: [[[{ text: 'a1' }], [{ text: 'b1', italic: true }]]],
    });
    expect(blocks[6]).toEqual({ kind: 'code', text: 'code' });
    // images become their description; a link the pages would refuse is plain text here too
    expect(runsText((blocks[7] as Extract<Block, { kind: 'paragraph' }>).runs)).toBe(
      '[Image: a chart] and [bad](javascript:alert(1))',
    );
  });

  it('reads typographic quotes and Welsh diacritics unchanged, and an empty body as no blocks', () => {
    expect(markdownToBlocks('')).toEqual([]);
    expect(markdownToBlocks('Ŵyr “Dŵr” – ’n')).toEqual([
      { kind: 'paragraph', runs: [{ text: 'Ŵyr “Dŵr” – ’n' }] },
    ]);
  });
});
