import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { defaultBrowserIsSandboxed, openerFile, studioCommand } from '../../cli/studio/command.ts';

describe('connect-views studio (the command)', () => {
  it('takes the target flags every command takes, plus --port and --no-open', () => {
    const command = studioCommand();
    assert.equal(command.name(), 'studio');
    assert.deepEqual(
      command.options.map((option) => option.long),
      ['--instance-id', '--region', '--profile', '--endpoint-url', '--signing-name', '--port', '--no-open'],
    );
    assert.match(command.helpInformation(), /127\.0\.0\.1/);
  });

  it('refuses a port that is not one, and a missing instance, before reaching anything', async () => {
    for (const args of [
      ['--instance-id', 'i-1', '--port', '70000'],
      ['--port', '0'],
    ]) {
      const command = studioCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} });
      await assert.rejects(command.parseAsync(args, { from: 'user' }), /port number|required option/, args.join(' '));
    }
  });

  it('opens the browser on a file only this user can read, so the token is on no command line', async () => {
    const url = 'http://127.0.0.1:4567/#token=abc_DEF-123';
    const opener = await openerFile(url);
    try {
      assert.ok(!opener.path.includes('abc_DEF'), 'the path the opener is given names no token');
      assert.equal(statSync(opener.path).mode & 0o777, 0o600);
      assert.equal(statSync(dirname(opener.path)).mode & 0o777, 0o700);
      const html = readFileSync(opener.path, 'utf8');
      assert.match(html, /<meta http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:4567\/#token=abc_DEF-123">/);
    } finally {
      await opener.remove();
    }
    assert.equal(existsSync(dirname(opener.path)), false, 'removed when the studio stops');
  });

  it('gives a snap or Flatpak browser (a /tmp of its own) the address, not the opener file it could not read', () => {
    const cases: [NodeJS.Platform, string, boolean][] = [
      ['linux', 'firefox_firefox.desktop\n', true],
      ['linux', 'chromium_chromium.desktop\n', true],
      ['linux', 'org.mozilla.firefox.desktop\n', true],
      ['linux', 'com.google.Chrome.desktop\n', true],
      ['linux', 'firefox.desktop\n', false],
      ['linux', 'google-chrome.desktop\n', false],
      ['linux', '', false],
      ['darwin', 'firefox_firefox.desktop', false],
    ];
    for (const [platform, answer, sandboxed] of cases) {
      assert.equal(
        defaultBrowserIsSandboxed(platform, () => answer),
        sandboxed,
        `${platform} ${JSON.stringify(answer)}`,
      );
    }
  });
});
