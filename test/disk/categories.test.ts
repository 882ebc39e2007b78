import { describe, expect, it } from 'vitest';
import { CATEGORY_RULES, categoryOf, classifyPath, kindOf } from '../../src/disk/categories.js';

const classify = (path: string, dir = false) => {
  const rule = classifyPath(path, dir);
  return `${categoryOf(rule)}/${kindOf(rule)}`;
};

describe('the categories table', () => {
  it('knows the conventions of the troubleshooting guide', () => {
    expect(classify('/var/log/syslog')).toBe('logs/in a log directory');
    expect(classify('/var/log/syslog.2.gz')).toBe('logs/rotated log');
    expect(classify('/var/log/nginx/access.log.1')).toBe('logs/rotated log');
    expect(classify('/var/log/messages-20240101')).toBe('logs/rotated log');
    expect(classify('/srv/app/server.log')).toBe('logs/log');
    expect(classify('/opt/app/logs/out.txt')).toBe('logs/in a log directory');
    expect(classify('/var/cache/apt/archives/x.deb')).toBe('caches/in a cache directory');
    expect(classify('/home/ann/.cache/pip/x')).toBe('caches/in a cache directory');
    expect(classify('/srv/web/node_modules/.cache/babel/x.json')).toBe('caches/in a cache directory');
    expect(classify('/srv/web/node_modules/react/index.js')).toBe('binaries/installed software');
    expect(classify('/tmp/x')).toBe('temp/in a temporary directory');
    expect(classify('/var/tmp/build/x.o')).toBe('temp/in a temporary directory');
    expect(classify('/home/ann/core')).toBe('temp/core dump');
    expect(classify('/var/lib/systemd/coredump/core.x.zst')).toBe('temp/core dump');
    expect(classify('/etc/nginx/nginx.conf.bak')).toBe('backups/backup copy');
    expect(classify('/home/ann/notes.txt~')).toBe('backups/backup copy');
    expect(classify('/root/db.old')).toBe('backups/backup copy');
    expect(classify('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('binaries/shared library');
    expect(classify('/usr/bin/ls')).toBe('binaries/installed software');
    expect(classify('/opt/tool/bin/tool')).toBe('binaries/installed software');
    expect(classify('/var/lib/postgresql/15/main/base/1/1259')).toBe('appdata/application data');
    expect(classify('/home/ann/photo.jpg')).toBe('other/other');
  });

  it('gives a compressed file its log meaning only in a log directory', () => {
    expect(classify('/var/log/x.gz')).toBe('logs/rotated log');
    expect(classify('/home/ann/x.gz')).toBe('other/other');
  });

  it('is one table: every rule matches something and names a category', () => {
    for (const rule of CATEGORY_RULES) {
      expect(
        (rule.under?.length ?? 0) + (rule.dirName?.length ?? 0) + (rule.name?.length ?? 0),
      ).toBeGreaterThan(0);
      expect(rule.kind).not.toBe('');
    }
  });
});

describe('weak name rules', () => {
  it('an archive or a database file inside installed software is software', () => {
    expect(classify('/usr/share/doc/x/report.tar.gz')).toBe('binaries/installed software');
    expect(classify('/root/site-backup.tar.gz')).toBe('backups/archive or dump');
    expect(classify('/usr/lib/x/index.db')).toBe('binaries/installed software');
    expect(classify('/srv/app/data.sqlite')).toBe('appdata/database file');
  });
});
