// @ts-check
/**
 * `el('td', { class: 'num' }, '0.12')`: an element with attributes and children. Text goes in as
 * text nodes, never as HTML, so model names and server messages cannot inject markup.
 * @param {string} tag @param {Record<string, string | number | boolean | undefined>} [attributes]
 * @param {Array<Node | string | number | undefined | null>} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    element.append(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
  return element;
}

/** A small horizontal SVG bar (value / scale, clipped), red past the threshold. @param {number | null} value @param {number} threshold */
export function psiBar(value, threshold) {
  const ns = 'http://www.w3.org/2000/svg';
  const bar = document.createElementNS(ns, 'svg');
  bar.setAttribute('class', 'bar');
  bar.setAttribute('viewBox', '0 0 100 10');
  bar.setAttribute('width', '100');
  bar.setAttribute('height', '10');
  const scale = threshold * 2.5;
  const back = document.createElementNS(ns, 'rect');
  for (const [key, v] of Object.entries({ x: 0, y: 0, width: 100, height: 10, rx: 2, class: 'bar-back' }))
    back.setAttribute(key, String(v));
  const front = document.createElementNS(ns, 'rect');
  const width = value === null ? 0 : Math.max(1, Math.min(100, (value / scale) * 100));
  for (const [key, v] of Object.entries({
    x: 0,
    y: 0,
    width,
    height: 10,
    rx: 2,
    class: value !== null && value > threshold ? 'bar-over' : 'bar-ok',
  }))
    front.setAttribute(key, String(v));
  const mark = document.createElementNS(ns, 'line');
  const at = (threshold / scale) * 100;
  for (const [key, v] of Object.entries({ x1: at, x2: at, y1: 0, y2: 10, class: 'bar-mark' }))
    mark.setAttribute(key, String(v));
  bar.append(back, front, mark);
  return bar;
}
