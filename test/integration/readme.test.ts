import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe } from 'node:test';
import { ListViewsCommand } from '@aws-sdk/client-connect';
import { useTestService } from '../support/service.ts';
import { itWithTools } from '../support/tools.ts';

/**
 * The README's examples of calling the local service, run exactly as shown (only the endpoint is
 * this test's): a copied example must work.
 */
const run = promisify(execFile);
const ctx = useTestService();

/** The code blocks of the README's "Calling it" section, before the deployed API's. */
function localExamples(): { language: string; code: string }[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Calling it'), readme.indexOf('### Calling the deployed API'));
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({ language: match[1]!, code: match[2]! }));
}

const examples = localExamples();
/** The instance the README's examples use: one of the form Amazon Connect gives instances. */
const README_INSTANCE = '4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d';
const withEndpoint = (code: string) => code.replaceAll('http://127.0.0.1:8080', ctx.service.url);
/** No credentials or config of the machine's own: the examples must bring what they need. */
const cleanEnv = () => {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = process.env;
  return { ...rest, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_PAGER: '' };
};

async function namesIn(instanceId: string): Promise<string[]> {
  const { ViewsSummaryList } = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }));
  return ViewsSummaryList!.map((view) => view.Name!);
}

describe('README: calling the local service', () => {
  const find = (language: string, marker: string) => {
    const found = examples.find((example) => example.language === language && example.code.includes(marker));
    assert.ok(found, `README has a ${language} example with ${marker}`);
    return found.code;
  };

  itWithTools('the AWS CLI example', ['aws'], async () => {
    const { stdout } = await run('bash', ['-e', '-c', withEndpoint(find('sh', 'aws connect'))], { env: cleanEnv() });
    assert.match(stdout, /From the CLI/);
    assert.ok((await namesIn(README_INSTANCE)).includes('From the CLI'));
  });

  itWithTools('the boto3 example', ['boto3'], async () => {
    const { stdout } = await run('python3', ['-c', withEndpoint(find('python', 'boto3'))], { env: cleanEnv() });
    assert.equal(stdout.trim(), '1');
  });

  itWithTools('the JavaScript example, as example.mjs', [], async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', withEndpoint(find('js', 'ConnectClient'))], {
      env: cleanEnv(),
    });
    assert.equal(stdout.trim(), '1');
  });

  itWithTools('the curl example', ['curl'], async () => {
    const { stdout } = await run('bash', ['-e', '-c', withEndpoint(find('sh', 'curl'))], { env: cleanEnv() });
    assert.equal(JSON.parse(stdout).View.Name, 'From curl');
  });
});
