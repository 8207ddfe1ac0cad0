// sigv4-rules.test.ts again, through the local gateway behaving as the HTTP API of `-c apiType=http`.
process.env['VIEWS_API_TYPE'] = 'http';
await import('../sigv4-rules.test.ts');
