// fuzz.test.ts again (a third of its cases), through the local gateway behaving as the HTTP API of `-c apiType=http`.
if (!process.env['FUZZ_RUNS']) process.env['FUZZ_RUNS'] = '500';
process.env['VIEWS_API_TYPE'] = 'http';
await import('../fuzz.test.ts');
