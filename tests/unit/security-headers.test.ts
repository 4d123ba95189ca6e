import { describe, expect, it } from 'vitest';
import { DEFAULT_CSP, SECURITY_HEADERS, secureHeaders } from '../../src/http/security-headers';

describe('secureHeaders', () => {
  it('sets every security header, and the default policy where the response has none', () => {
    const { headers } = secureHeaders(new Response('x'));
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers.get(name)).toBe(value);
    expect(headers.get('Content-Security-Policy')).toBe(DEFAULT_CSP);
    expect(headers.get('X-Frame-Options')).toBe('DENY');
  });

  it('keeps a policy the response set itself, and its framing rule', () => {
    const policy = "default-src 'none'; frame-ancestors https://partner.example";
    const { headers } = secureHeaders(new Response('x', { headers: { 'Content-Security-Policy': policy } }));
    expect(headers.get('Content-Security-Policy')).toBe(policy);
    expect(headers.get('X-Frame-Options')).toBeNull();
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('overrides a weaker value of a security header', () => {
    const { headers } = secureHeaders(new Response('x', { headers: { 'Referrer-Policy': 'unsafe-url' } }));
    expect(headers.get('Referrer-Policy')).toBe(SECURITY_HEADERS['Referrer-Policy']);
  });
});
