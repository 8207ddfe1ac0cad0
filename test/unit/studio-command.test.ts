import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { studioCommand } from '../../cli/studio/command.ts';

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
});
