// The machine's diagram as SVG, from the layout of its graph: the states a call went through and the
// transitions it took are highlighted, its current state is marked, and one chosen step (a timeline row) stands
// out. Drawn with CSS classes only: the page's Content-Security-Policy allows no inline style.
import { useMemo } from 'preact/hooks';
import type { MachineGraph } from './api.js';
import { layoutMachine, type EdgeShape } from './diagram-layout.js';

export interface CallPath {
  /** States the call was in (recorded before or after any of its events). */
  visited: ReadonlySet<string>;
  /** Indexes of the transitions its events took. */
  taken: ReadonlySet<number>;
  current: string;
  /** The transition of the step chosen on the timeline, if any. */
  chosen?: number;
}

/** A smooth path through dagre's points (a quadratic curve through each midpoint). */
function pathOf(points: EdgeShape['points']): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (rest.length === 0) return `M${first.x},${first.y}`;
  let d = `M${first.x},${first.y}`;
  for (let index = 0; index < rest.length - 1; index++) {
    const control = rest[index];
    const next = rest[index + 1];
    if (!control || !next) continue;
    d += ` Q${control.x},${control.y} ${(control.x + next.x) / 2},${(control.y + next.y) / 2}`;
  }
  const last = rest.at(-1);
  return last ? `${d} L${last.x},${last.y}` : d;
}

export function MachineDiagram({ graph, path }: { graph: MachineGraph; path?: CallPath }) {
  const layout = useMemo(() => layoutMachine(graph), [graph]);
  const edgeClass = (transition: number): string =>
    ['edge', path?.taken.has(transition) ? 'taken' : path ? 'faded' : '', path?.chosen === transition ? 'chosen' : ''].filter(Boolean).join(' ');
  return (
    <svg
      class="machine"
      viewBox={`0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
      width={Math.ceil(layout.width)}
      role="img"
      aria-label={`call machine version ${graph.version}`}
      data-testid="diagram"
    >
      <defs>
        {['plain', 'taken', 'chosen'].map((kind) => (
          <marker
            key={kind}
            id={`arrow-${kind}`}
            class={`arrowhead ${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        ))}
      </defs>
      {layout.states.map(({ state, x, y, width, height }) => {
        const visited = path?.visited.has(state.id) || [...(path?.visited ?? [])].some((name) => name.startsWith(`${state.id}.`));
        const current = path?.current === state.id;
        const classes = [
          'state',
          state.compound ? 'compound' : 'leaf',
          state.tags.includes('final') ? 'final' : '',
          visited ? 'visited' : path ? 'faded' : '',
          current ? 'current' : '',
        ];
        return (
          <g
            key={state.id}
            class={classes.filter(Boolean).join(' ')}
            data-state={state.id}
            data-visited={visited ? 'true' : 'false'}
            data-current={current ? 'true' : 'false'}
          >
            <rect x={x} y={y} width={width} height={height} rx={state.compound ? 10 : 8} />
            {state.tags.includes('final') && !state.compound && <rect class="inner" x={x + 3} y={y + 3} width={width - 6} height={height - 6} rx={6} />}
            {state.compound ? (
              <text class="cluster-label" x={x + 10} y={y + 16}>
                {state.key}
              </text>
            ) : (
              <>
                <text class="label" x={x + width / 2} y={y + (state.tags.length > 0 ? 17 : 24)}>
                  {state.key}
                </text>
                {state.tags.length > 0 && (
                  <text class="tags" x={x + width / 2} y={y + 31}>
                    {state.tags.join(', ')}
                  </text>
                )}
              </>
            )}
            {current && (
              <text class="now" x={x + width - 4} y={y - 4}>
                now
              </text>
            )}
          </g>
        );
      })}
      <circle class="start" cx={layout.start.x} cy={layout.start.y} r={6} />
      <path class="edge start-edge" d={pathOf(layout.start.to)} marker-end="url(#arrow-plain)" />
      {layout.edges.map((edge) => {
        const kind = path?.chosen === edge.transition ? 'chosen' : path?.taken.has(edge.transition) ? 'taken' : 'plain';
        return (
          <g
            key={edge.transition}
            class={edgeClass(edge.transition)}
            data-transition={edge.transition}
            data-taken={path?.taken.has(edge.transition) ? 'true' : 'false'}
          >
            <path d={pathOf(edge.points)} marker-end={`url(#arrow-${kind})`} />
            <text x={edge.label.x} y={edge.label.y + (edge.label.guard ? -2 : 4)}>
              {edge.label.event}
              {edge.label.guard && (
                <tspan class="guard" x={edge.label.x} dy={12}>
                  {edge.label.guard}
                </tspan>
              )}
            </text>
          </g>
        );
      })}
      {layout.loops.map((loop) => (
        <text
          key={loop.transition}
          class={`loop ${edgeClass(loop.transition)}`}
          x={loop.x}
          y={loop.y}
          data-transition={loop.transition}
          data-taken={path?.taken.has(loop.transition) ? 'true' : 'false'}
        >
          {loop.text}
        </text>
      ))}
      {layout.notes.map((note) => (
        <text
          key={note.transition}
          class={`note ${edgeClass(note.transition)}`}
          x={note.x}
          y={note.y}
          data-transition={note.transition}
          data-taken={path?.taken.has(note.transition) ? 'true' : 'false'}
        >
          {note.text}
        </text>
      ))}
    </svg>
  );
}
