/**
 * Status survives reindex: a real reindex after the plan was edited (a task inserted before the
 * others, so every record id shifts; one task's deadline rewritten). Unchanged tasks keep their
 * board id and status; the rewritten one shows its old status flagged for review until someone
 * confirms it, which retires the old text's status.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/answer/assistant.js';
import { openTaskBoard, type OpenedBoard } from '../../src/board/index.js';
import { tempDir } from '../server/harness.js';
import { boardAssistant, boardKnowledge } from './helpers.js';

const TODAY = '2024-11-10';
const ADMIN = { by: 'quantri', role: 'admin' as const };
let knowledgeDir: string;
let assistant: Assistant;
let opened: OpenedBoard;

const find = (start: string) => {
  const t = opened.board.list({}, TODAY).find((x) => x.title.startsWith(start));
  if (!t) throw new Error(`no task "${start}"`);
  return t;
};

beforeAll(async () => {
  knowledgeDir = tempDir('troly-board-kn-');
  cpSync(boardKnowledge, knowledgeDir, { recursive: true });
  const built = await boardAssistant(knowledgeDir);
  assistant = built.assistant;
  opened = openTaskBoard({ dataDir: built.dataDir, knowledgeDir });
}, 60_000);

afterAll(() => opened?.close());

describe('task status across a reindex', () => {
  it('keeps the status of unchanged tasks and flags a changed task for review instead of resetting it', async () => {
    const kho = find('Xây dựng kho dữ liệu');
    const benhAn = find('Triển khai bệnh án điện tử');
    const hoTich = find('Làm sạch dữ liệu hộ tịch');
    expect(kho.recordId).toBe('kehoach-45-nghean.txt#task-1');
    opened.board.setStatus(ADMIN, kho.id, { status: 'hoan_thanh', note: 'Đã nghiệm thu', via: 'api' }, new Date('2024-11-01T03:00:00Z'), TODAY);
    opened.board.setStatus(ADMIN, benhAn.id, { status: 'dang_thuc_hien', via: 'api' }, new Date('2024-11-02T03:00:00Z'), TODAY);
    opened.board.setStatus(ADMIN, hoTich.id, { status: 'dang_thuc_hien', via: 'api' }, new Date('2024-11-02T03:00:00Z'), TODAY);

    // The plan is amended: a new first task (all record ids of the plan shift by one) and the
    // electronic medical records task gets an earlier deadline.
    const file = path.join(knowledgeDir, 'kehoach-45-nghean.txt');
    const text = readFileSync(file, 'utf8')
      .replace('\t1. Xây dựng kho dữ liệu', '\t1. Ban hành kiến trúc chính quyền số của tỉnh.\n\t- Chủ trì: Sở Thông tin và Truyền thông.\n\t- Thời gian hoàn thành: trước ngày 28/02/2024.\n\t2. Xây dựng kho dữ liệu')
      .replace('\t- Thời gian hoàn thành: trước ngày 31/12/2024.', '\t- Thời gian hoàn thành: trước ngày 30/11/2024.');
    writeFileSync(file, text);
    await assistant.reindex();

    const kho2 = find('Xây dựng kho dữ liệu');
    expect(kho2.recordId).toBe('kehoach-45-nghean.txt#task-2');
    expect(kho2).toMatchObject({ id: kho.id, status: 'hoan_thanh', statusNote: 'Đã nghiệm thu', needsReview: false });
    expect(find('Làm sạch dữ liệu hộ tịch')).toMatchObject({ id: hoTich.id, status: 'dang_thuc_hien', needsReview: false });
    expect(find('Ban hành kiến trúc')).toMatchObject({ status: 'chua_bat_dau', needsReview: false });

    const benhAn2 = find('Triển khai bệnh án điện tử');
    expect(benhAn2.id).not.toBe(benhAn.id);
    expect(benhAn2.deadline.due).toBe('2024-11-30');
    expect(benhAn2).toMatchObject({ status: 'dang_thuc_hien', needsReview: true, statusBy: 'quantri' });

    // Confirming the new text clears the flag and retires the old text's status.
    opened.board.setStatus(ADMIN, benhAn2.id, { status: 'dang_thuc_hien', note: 'Hạn mới 30/11', via: 'board' }, new Date('2024-11-10T03:00:00Z'), TODAY);
    expect(find('Triển khai bệnh án điện tử')).toMatchObject({ needsReview: false, statusNote: 'Hạn mới 30/11' });
    expect(opened.store.status(benhAn.id)).toBeUndefined();
    expect(opened.store.history(benhAn.id)).toHaveLength(1); // the old text's history stays
  }, 120_000);
});
