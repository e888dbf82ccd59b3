// Exact decimal arithmetic on the server's decimal strings (BigInt scaled integers), so money shown here
// never picks up binary floating-point noise.
const Dec = (() => {
  const parse = (s) => {
    const text = String(s).trim();
    const neg = text.startsWith('-');
    const [i, f = ''] = text.replace(/^[-+]/, '').split('.');
    return { n: BigInt((neg ? '-' : '') + (i || '0') + f), scale: f.length };
  };
  const align = (a, b) => {
    const scale = Math.max(a.scale, b.scale);
    return [a.n * 10n ** BigInt(scale - a.scale), b.n * 10n ** BigInt(scale - b.scale), scale];
  };
  const format = (n, scale, minScale = 2) => {
    const neg = n < 0n;
    let digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
    let int = scale ? digits.slice(0, -scale) : digits;
    let frac = scale ? digits.slice(-scale) : '';
    frac = frac.replace(/0+$/, '');
    while (frac.length < minScale) frac += '0';
    return (neg && (int !== '0' || /[1-9]/.test(frac)) ? '-' : '') + int + (frac ? '.' + frac : '');
  };
  return {
    sub(a, b) { const [x, y, s] = align(parse(a), parse(b)); return format(x - y, s); },
    add(a, b) { const [x, y, s] = align(parse(a), parse(b)); return format(x + y, s); },
    mul(a, b) { const x = parse(a), y = parse(b); return format(x.n * y.n, x.scale + y.scale); },
    cmp(a, b) { const [x, y] = align(parse(a), parse(b)); return x < y ? -1 : x > y ? 1 : 0; },
    sign(a) { const x = parse(a).n; return x < 0n ? -1 : x > 0n ? 1 : 0; },
    // Percent for display only (two decimals).
    pct(part, whole) {
      const p = (Number(part) / Number(whole) * 100).toFixed(2);
      return p === '-0.00' ? '0.00' : p;
    },
  };
})();
